import type { ContractsOf } from "../../platform/route-contract";
import type { searchRoutes } from "./search.routes";
import { searchQuery, searchResultsSchema } from "./search.schema";

/** What the routes of search.routes.ts accept and answer. */
export const searchContracts = {
  "search.query": {
    summary: "Search contacts, companies and deals",
    description:
      "Prefix search over contact names (first, last, full), emails, email domains and phone digits, company names and domains, and deal titles; case, accents, spaces and punctuation are ignored. Exact term matches come first, then prefix matches in a stable order. Reflects every write as soon as it returns.",
    tag: "Search",
    query: searchQuery,
    response: { status: 200, description: "The best matches, at most `limit`.", schema: searchResultsSchema },
  },
} as const satisfies ContractsOf<typeof searchRoutes>;
