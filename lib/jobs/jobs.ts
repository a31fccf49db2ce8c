// Every background job of the server, registered here (one import per integration).
export { startBackgroundJobs } from "./start";
import "../export/bucket-export-job";
import "../sources/bucket-source-job";
import "../sources/upstream-job";
import "../sources/directory-sync-job";
import "../alerts/jobs";
import "../trust/jobs";
import "../auth/jobs";
