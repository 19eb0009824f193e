// node-postgres's client module, imported without the package's index (./connection.ts);
// @types/pg describes the class only through the index.
declare module "pg/lib/client.js" {
  import { Client } from "pg";
  export default Client;
}
