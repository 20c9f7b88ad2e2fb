export { httpEndpoint, maxBodyBytes } from "./http-endpoint";
export { HttpProblemError } from "./http-problem";
