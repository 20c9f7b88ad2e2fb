/** Realistic demo records for the local cloud; names and domains are fictional (example TLDs). */

export const demoPeople = {
  admin: { email: "alice@example.com", name: "Alice Admin" },
  member: { email: "bob@example.com", name: "Bob Member" },
  viewer: { email: "victor@example.com", name: "Victor Viewer" },
} as const;

export const demoOrganisationName = "Northwind Traders";

export const demoCompanies = [
  {
    name: "Globex Corporation",
    domain: "globex.example",
    industry: "Manufacturing",
    size: "1001-5000",
    city: "Springfield",
    country: "US",
  },
  { name: "Initech", domain: "initech.example", industry: "Software", size: "201-500", city: "Austin", country: "US" },
  {
    name: "Umbrella Health",
    domain: "umbrella-health.example",
    industry: "Healthcare",
    size: "5001+",
    city: "Raccoon City",
    country: "US",
  },
  {
    name: "Stark Logistics",
    domain: "stark-logistics.example",
    industry: "Logistics",
    size: "501-1000",
    city: "Rotterdam",
    country: "NL",
  },
  {
    name: "Wayne Renewables",
    domain: "wayne-renewables.example",
    industry: "Energy",
    size: "1001-5000",
    city: "Gotham",
    country: "US",
  },
  {
    name: "Tyrell Bio",
    domain: "tyrell-bio.example",
    industry: "Biotech",
    size: "51-200",
    city: "Cambridge",
    country: "GB",
  },
  {
    name: "Soylent Foods",
    domain: "soylent.example",
    industry: "Food & Beverage",
    size: "201-500",
    city: "Lyon",
    country: "FR",
  },
  { name: "Hooli", domain: "hooli.example", industry: "Software", size: "5001+", city: "Palo Alto", country: "US" },
  {
    name: "Vandelay Industries",
    domain: "vandelay.example",
    industry: "Import/Export",
    size: "11-50",
    city: "New York",
    country: "US",
  },
  {
    name: "Cyberdyne Systems",
    domain: "cyberdyne.example",
    industry: "Robotics",
    size: "501-1000",
    city: "Sunnyvale",
    country: "US",
  },
] as const;

const firstNames = [
  "Ada",
  "Grace",
  "Alan",
  "Katherine",
  "Linus",
  "Margaret",
  "Tim",
  "Barbara",
  "Dennis",
  "Frances",
  "Ken",
  "Radia",
  "Guido",
  "Hedy",
  "Donald",
  "Sophie",
  "Edsger",
  "Joan",
  "Bjarne",
  "Anita",
  "John",
  "Karen",
  "Niklaus",
  "Shafi",
  "Leslie",
  "Mary",
  "Vint",
  "Lynn",
  "Ivan",
  "Jean",
];
const lastNames = [
  "Lovelace",
  "Hopper",
  "Turing",
  "Johnson",
  "Torvalds",
  "Hamilton",
  "Berners-Lee",
  "Liskov",
  "Ritchie",
  "Allen",
  "Thompson",
  "Perlman",
  "van Rossum",
  "Lamarr",
  "Knuth",
  "Wilson",
  "Dijkstra",
  "Clarke",
  "Stroustrup",
  "Borg",
  "McCarthy",
  "Spärck Jones",
  "Wirth",
  "Goldwasser",
  "Lamport",
  "Keller",
  "Cerf",
  "Conway",
  "Sutherland",
  "Bartik",
];
const titles = ["CEO", "CTO", "Head of Procurement", "VP Sales", "Operations Manager", "Buyer", "CFO", "Engineer"];
const tagSets = [["decision-maker"], ["champion", "technical"], [], ["newsletter"], ["vip", "decision-maker"], []];

export type DemoContact = {
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  title: string;
  companyIndex: number | null;
  tags: string[];
  ownedByMember: boolean;
};

/** Thirty contacts spread over the companies, deterministic so every fresh start looks the same. */
export function demoContacts(): DemoContact[] {
  return firstNames.map((firstName, index) => {
    const lastName = lastNames[index] ?? "Doe";
    const companyIndex = index % 4 === 3 ? null : index % demoCompanies.length;
    const company = companyIndex === null ? null : demoCompanies[companyIndex];
    const localPart = `${firstName}.${lastName}`
      .toLowerCase()
      .normalize("NFD")
      .replace(/[^a-z.]/g, "");
    return {
      firstName,
      lastName,
      email: `${localPart}@${company?.domain ?? "mail.example"}`,
      phone: `+1 555 01${String(index).padStart(2, "0")}`,
      title: titles[index % titles.length] ?? "Buyer",
      companyIndex,
      tags: [...(tagSets[index % tagSets.length] ?? [])],
      ownedByMember: index % 3 === 0,
    };
  });
}

/**
 * A second entry for the first demo contact, as a second import or a colleague typing them in again makes one: same
 * name at the same company, the email with a `+tag`, the phone written differently. It is the demo's duplicate pair.
 */
export function demoDuplicateContact(): DemoContact {
  const [first] = demoContacts();
  if (!first) throw new Error("There are no demo contacts.");
  const [local, domain] = first.email.split("@");
  return {
    ...first,
    email: `${local}+events@${domain}`,
    phone: first.phone.replaceAll(" ", "-"),
    title: "Buyer",
    tags: [],
    ownedByMember: false,
  };
}

/** Deal products; each demo deal sells one of them to a demo company. */
const dealProducts = [
  { title: "Fleet telematics rollout", amount: 48_000_00 },
  { title: "Annual support renewal", amount: 12_500_00 },
  { title: "Warehouse scanners", amount: 9_800_00 },
  { title: "Analytics add-on", amount: 6_000_00 },
  { title: "Onboarding package", amount: 3_200_00 },
  { title: "Enterprise licences (200 seats)", amount: 96_000_00 },
] as const;

export type DemoDeal = {
  title: string;
  amount: number;
  currency: "EUR" | "USD" | "GBP";
  /** Stage name in the default pipeline; the deal walks the open stages up to it. */
  stage: "Lead" | "Qualified" | "Proposal" | "Negotiation" | "Won" | "Lost";
  companyIndex: number;
  ownedByMember: boolean;
  /** Days from the seed date; negative is in the past. */
  closeInDays: number;
};

/** Three deals in every stage of the default pipeline, with varied values, currencies, owners and close dates. */
export function demoDeals(): DemoDeal[] {
  const stages = ["Lead", "Qualified", "Proposal", "Negotiation", "Won", "Lost"] as const;
  const currencies = ["EUR", "USD", "GBP"] as const;
  return stages.flatMap((stage, stageIndex) =>
    [0, 1, 2].map((slot) => {
      const index = stageIndex * 3 + slot;
      const product = dealProducts[index % dealProducts.length] as (typeof dealProducts)[number];
      return {
        title: product.title,
        amount: product.amount + slot * 1_000_00,
        currency: currencies[index % currencies.length] as DemoDeal["currency"],
        stage,
        companyIndex: index % demoCompanies.length,
        ownedByMember: slot === 1,
        closeInDays: stage === "Won" || stage === "Lost" ? -(10 + index) : 7 * (slot + 1) + stageIndex * 5,
      };
    }),
  );
}
