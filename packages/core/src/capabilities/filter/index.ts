/** The public surface of this module: the filter grammar, its compiler and its in-memory evaluator. */
export {
  compileFilter,
  evaluateFilter,
  type Filter,
  type FilterCatalogue,
  type FilterEvaluation,
  filterOperators,
  filterSchema,
} from "./filter";
