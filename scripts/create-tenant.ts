/**
 * Creates a tenant with its first admin user and admin API key.
 *
 *   npm run tenant:create -- --name "Acme" --email admin@acme.com --remote
 *   npm run tenant:create -- --name "Acme" --email admin@acme.com            (local D1)
 *
 * Prints the password and the key once; neither is stored anywhere in clear.
 */
import { parseArgs } from "node:util";
import { createTenant } from "./lib/bootstrap";
import { stateDir } from "./lib/paths";

const { values } = parseArgs({
  options: {
    name: { type: "string" },
    email: { type: "string" },
    password: { type: "string" },
    plan: { type: "string", default: "starter" },
    remote: { type: "boolean", default: false },
    "key-env": { type: "string", default: "live" },
  },
});

const fail = (message: string): never => {
  console.error(`tenant:create: ${message}`);
  process.exit(2);
};
const name = values.name?.trim() || fail("--name is required");
const email = values.email?.trim() || fail("--email is required");
if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) fail("--email is not an email address");
if (values.password !== undefined && values.password.length < 12) fail("--password must be at least 12 characters");
const plan = values.plan as "starter" | "pro" | "enterprise";
if (!["starter", "pro", "enterprise"].includes(plan)) fail("--plan must be starter, pro or enterprise");
const keyEnvironment = values["key-env"] as "live" | "test";
if (!["live", "test"].includes(keyEnvironment)) fail("--key-env must be live or test");

const target = values.remote ? ({ remote: true } as const) : ({ remote: false, persistTo: stateDir() } as const);
const creds = await createTenant({ name, email, password: values.password, plan, keyEnvironment }, target);
console.log(`Tenant created (${values.remote ? "remote D1" : "local D1"}). Shown once, store them now:`);
console.log(JSON.stringify(creds, null, 2));
