export { allEntities, tableEntities } from "./entities";
