import * as v from "valibot";
import { named } from "../openapi/named";

export const HealthSchema = named("Health", v.object({ status: v.literal("ok") }), { status: "ok" });
