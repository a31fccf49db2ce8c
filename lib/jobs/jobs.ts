// Every background job of the server, registered here (one import per integration).
export { startBackgroundJobs } from "./start";
