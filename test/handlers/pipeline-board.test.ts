import { afterEach, describe, expect, it } from "vitest";
import { invoke } from "../support/api-events";
import { aDeal } from "../support/builders";
import { injectTransactionConflicts } from "../support/faults";
import { anOrganisation, type TestOrganisation } from "../support/organisations";
import { defaultPipelineOf, type TestPipeline } from "../support/sales";

type Board = {
  stages: { id: string; dealCount: number; totals: { currency: string; value: number; weightedValue: number }[] }[];
  forecast: { currency: string; openCount: number; openValue: number; weightedValue: number; wonValue: number }[];
};

async function boardOf(org: TestOrganisation, pipelineId: string): Promise<Board> {
  const response = await invoke("pipelines.board", {
    token: org.admin.token,
    params: { orgId: org.orgId, pipelineId },
  });
  expect(response.status).toBe(200);
  return response.body;
}

/** The board recomputed from the deals themselves, page by page: what the kept totals must always equal. */
async function recount(org: TestOrganisation, pipeline: TestPipeline) {
  const deals: { stageId: string; value: { amount: number; currency: string } }[] = [];
  let cursor: string | undefined;
  do {
    const page = await invoke("deals.list", {
      token: org.admin.token,
      params: { orgId: org.orgId },
      query: { pipelineId: pipeline.id, limit: "100", ...(cursor ? { cursor } : {}) },
    });
    deals.push(...page.body.data);
    cursor = page.body.nextCursor ?? undefined;
  } while (cursor);
  return pipeline.stages.map((stage) => {
    const inStage = deals.filter((deal) => deal.stageId === stage.id);
    const currencies = [...new Set(inStage.map((deal) => deal.value.currency))].sort();
    return {
      id: stage.id,
      dealCount: inStage.length,
      totals: currencies.map((currency) => {
        const value = inStage
          .filter((deal) => deal.value.currency === currency)
          .reduce((sum, deal) => sum + deal.value.amount, 0);
        return { currency, value, weightedValue: Math.round((value * stage.probability) / 100) };
      }),
    };
  });
}

const withoutStageDetails = (board: Board) =>
  board.stages.map(({ id, dealCount, totals }) => ({ id, dealCount, totals }));

/** A small deterministic generator, so a failing interleaving can be replayed. */
function seededRandom(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe("the pipeline board", () => {
  let conflicts: ReturnType<typeof injectTransactionConflicts> | undefined;
  afterEach(() => conflicts?.remove());

  it("counts and sums deals per stage and currency, weighted by probability, with a forecast", async () => {
    const org = await anOrganisation();
    const { pipeline, stage } = await defaultPipelineOf(org);
    await aDeal(org, { stageId: stage("Proposal").id, value: { amount: 1_000_00, currency: "EUR" } });
    await aDeal(org, { stageId: stage("Proposal").id, value: { amount: 3_000_00, currency: "EUR" } });
    await aDeal(org, { stageId: stage("Proposal").id, value: { amount: 500_00, currency: "USD" } });
    await aDeal(org, { stageId: stage("Negotiation").id, value: { amount: 2_000_00, currency: "EUR" } });
    await aDeal(org, { stageId: stage("Won").id, value: { amount: 7_000_00, currency: "EUR" } });

    const board = await boardOf(org, pipeline.id);
    const proposal = board.stages.find((candidate) => candidate.id === stage("Proposal").id);
    expect(proposal).toMatchObject({
      name: "Proposal",
      probability: 50,
      dealCount: 3,
      totals: [
        { currency: "EUR", value: 4_000_00, weightedValue: 2_000_00 },
        { currency: "USD", value: 500_00, weightedValue: 250_00 },
      ],
    });
    expect(board.stages.find((candidate) => candidate.id === stage("Lead").id)).toMatchObject({
      dealCount: 0,
      totals: [],
    });
    expect(board.forecast).toEqual([
      {
        currency: "EUR",
        openCount: 3,
        openValue: 6_000_00,
        weightedValue: 2_000_00 + 1_500_00,
        wonCount: 1,
        wonValue: 7_000_00,
        lostCount: 0,
        lostValue: 0,
      },
      {
        currency: "USD",
        openCount: 1,
        openValue: 500_00,
        weightedValue: 250_00,
        wonCount: 0,
        wonValue: 0,
        lostCount: 0,
        lostValue: 0,
      },
    ]);
  });

  it("never drifts from a full recount while deals are moved, edited and deleted concurrently", async () => {
    const org = await anOrganisation();
    const { pipeline } = await defaultPipelineOf(org);
    const random = seededRandom(42);
    const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)] as T;
    const currencies = ["EUR", "USD", "GBP"];
    const deals = await Promise.all(
      Array.from({ length: 24 }, (_, index) =>
        aDeal(org, {
          title: `Deal ${index}`,
          stageId: pick(pipeline.stages).id,
          value: { amount: Math.floor(random() * 10_000_00), currency: pick(currencies) },
        }),
      ),
    );

    const operations = Array.from({ length: 90 }, () => {
      const deal = pick(deals);
      const params = { orgId: org.orgId, dealId: deal.id };
      const roll = random();
      if (roll < 0.5) {
        return invoke("deals.moveStage", {
          token: org.admin.token,
          params,
          body: { stageId: pick(pipeline.stages).id },
        });
      }
      if (roll < 0.9) {
        const value = { amount: Math.floor(random() * 10_000_00), currency: pick(currencies) };
        return invoke("deals.update", { token: org.admin.token, params, body: { value } });
      }
      return invoke("deals.delete", { token: org.admin.token, params });
    });
    const statuses = (await Promise.all(operations)).map((response) => response.status);
    // Every outcome is a success, or a clean refusal: the deal was deleted meanwhile, or kept changing under us.
    expect(statuses.every((status) => [200, 204, 404, 409].includes(status))).toBe(true);
    expect(statuses.filter((status) => status === 200).length).toBeGreaterThan(40);

    expect(withoutStageDetails(await boardOf(org, pipeline.id))).toEqual(await recount(org, pipeline));
    // 90 colliding writes take their turns in DynamoDB Local, one transaction at a time.
  }, 90_000);

  it("retries a transaction that collided with another one, and applies it once", async () => {
    const org = await anOrganisation();
    const { pipeline, stage } = await defaultPipelineOf(org);
    const deal = await aDeal(org, { value: { amount: 900_00, currency: "EUR" } });

    conflicts = injectTransactionConflicts(3);
    const moved = await invoke("deals.moveStage", {
      token: org.admin.token,
      params: { orgId: org.orgId, dealId: deal.id },
      body: { stageId: stage("Proposal").id },
    });
    expect(moved.status).toBe(200);
    expect(conflicts.raised).toBe(3);
    expect(moved.body.version).toBe(2);
    expect(withoutStageDetails(await boardOf(org, pipeline.id))).toEqual(await recount(org, pipeline));
    const history = await invoke("deals.stageHistory", {
      token: org.admin.token,
      params: { orgId: org.orgId, dealId: deal.id },
    });
    expect(history.body.moves).toHaveLength(2);
  });

  it("answers 409 and changes nothing when conflicts persist beyond the retries", async () => {
    const org = await anOrganisation();
    const { pipeline, stage } = await defaultPipelineOf(org);
    const deal = await aDeal(org, { value: { amount: 900_00, currency: "EUR" } });
    const before = await boardOf(org, pipeline.id);

    conflicts = injectTransactionConflicts(1_000);
    const refused = await invoke("deals.moveStage", {
      token: org.admin.token,
      params: { orgId: org.orgId, dealId: deal.id },
      body: { stageId: stage("Proposal").id },
    });
    conflicts.remove();
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe("concurrent-modification");
    expect(await boardOf(org, pipeline.id)).toEqual(before);
    const unchanged = await invoke("deals.get", {
      token: org.admin.token,
      params: { orgId: org.orgId, dealId: deal.id },
    });
    expect(unchanged.body).toMatchObject({ stageId: stage("Lead").id, version: 1 });
  });
});
