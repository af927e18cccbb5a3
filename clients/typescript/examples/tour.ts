// The five-minute tour of @roomsvc/client, against a local stack (`make run`): `npm run build`, then
//   ROOMSVC_CREDENTIAL_SECRET=dev-caller-secret-change-me-0123456789 node dist/examples/tour.js
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

import { callerToken, createRoomsvcClient, parseEvent, unwrap, verifySignature } from "@roomsvc/client";
import type { RoomsvcEventOf } from "@roomsvc/client";

function env(name: string, fallback?: string): string {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`set ${name}`);
  return value;
}
const baseUrl = env("ROOMSVC_API_URL", "http://127.0.0.1:8000");
const credentialId = env("ROOMSVC_CREDENTIAL_ID", "cred_dev");
const secret = env("ROOMSVC_CREDENTIAL_SECRET");
const room = env("ROOMSVC_TOUR_ROOM", `tour-${Date.now()}`);

// 1. Sign a caller token (HS256 with the credential's secret, 10 minutes), and make a client with it.
//    Or pass `credential: { credentialId, secret }` and the client signs a fresh one when needed.
const token = callerToken({
  credentialId,
  secret,
  scopes: ["rooms:read", "rooms:write", "moderation", "events"],
  ttl: 600,
});
const roomsvc = createRoomsvcClient({ baseUrl, token });

// 2. Receive signed event deliveries: an HTTP endpoint (loopback is allowed in dev), subscribed to
//    room.* and participant.* events. It checks each signature before it trusts the body.
let subscriptionSecret = "";
let resolveCreated: (event: RoomsvcEventOf<"room.created">) => void = () => {};
const roomCreated = new Promise<RoomsvcEventOf<"room.created">>((resolve) => (resolveCreated = resolve));
const receiver = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on("data", (chunk: Buffer) => chunks.push(chunk));
  request.on("end", () => {
    const body = Buffer.concat(chunks); // the raw bytes: never re-serialise before verifying
    if (!subscriptionSecret || !verifySignature(subscriptionSecret, request.headers, body)) {
      response.writeHead(401).end();
      return;
    }
    response.writeHead(204).end(); // answer at once; de-duplicate by event.id in a real receiver
    const event = parseEvent(body);
    if (event.type === "room.created" && event.room === room) resolveCreated(event);
  });
});
await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
const { port } = receiver.address() as AddressInfo;
const subscription = unwrap(
  await roomsvc.POST("/v1/event-subscriptions", {
    body: { url: `http://127.0.0.1:${port}/hooks/roomsvc`, event_types: ["room.*", "participant.*"] },
  }),
);
subscriptionSecret = subscription.secret ?? "";

// 3. Create a room (idempotent: the same name and options answer with the same room).
const created = unwrap(
  await roomsvc.POST("/v1/rooms", { body: { name: room, creator: "alice", call_type: "audio" } }),
);
console.log(`room ${created.name} (${created.call_type}) is ${created.status}`);

// 4. Mint a join token for bob; your backend hands `url` and `token` to bob's LiveKit client.
const join = unwrap(
  await roomsvc.POST("/v1/rooms/{room}/participants", {
    params: { path: { room } },
    body: { identity: "bob", name: "Bob", role: "member", ttl: 600 },
  }),
);
// A room with `lobby: true` answers 202 with a join request instead (no token until admitted).
if (!("token" in join)) throw new Error(`bob waits in the lobby: join request ${join.id}`);
console.log(`join token for ${join.identity} (${join.role}), publishes ${join.grants.can_publish_sources}`);
console.log(`for bob's client: ${JSON.stringify({ url: join.url, token: join.token })}`);

// 5. List the participants.
const participants = unwrap(
  await roomsvc.GET("/v1/rooms/{room}/participants", { params: { path: { room } } }),
);
for (const p of participants.items) console.log(`participant ${p.identity}: ${p.state}, role ${p.role}`);

// 6. Moderate as alice, the room's owner: mute bob's microphone for an hour, then kick him (10 min ban).
const bob = { params: { path: { room, identity: "bob" } } };
const muted = unwrap(
  await roomsvc.POST("/v1/rooms/{room}/participants/{identity}/mute", {
    ...bob,
    body: { actor: "alice", sources: ["microphone"], duration: "1h", reason: "echo" },
  }),
);
console.log(`bob muted: ${muted.muted_sources.join(", ")} until ${muted.mute_expires_at}`);
const ban = unwrap(
  await roomsvc.POST("/v1/rooms/{room}/participants/{identity}/kick", {
    ...bob,
    body: { actor: "alice", reason: "spam", ban_seconds: 600 },
  }),
);
console.log(`bob kicked, banned until ${ban.expires_at}`);

// 7. Read the audit log (newest first).
const audit = unwrap(await roomsvc.GET("/v1/rooms/{room}/audit", { params: { path: { room } } }));
for (const entry of audit.items) {
  console.log(`audit: ${entry.actor} ${entry.action} ${entry.target} (${entry.reason})`);
}

// 8. List the room's events: each parses into a typed event, discriminated by `type`.
const events = unwrap(await roomsvc.GET("/v1/events", { params: { query: { room, limit: 50 } } }));
for (const item of events.items) {
  const event = parseEvent(item);
  console.log(`event ${event.type} ${event.id} at ${event.occurred_at}`);
  // `type` narrows `data` to that type's payload (components["schemas"]["ParticipantKickedData"] here).
  if (event.type === "participant.kicked") console.log(`  ${event.data.actor} kicked ${event.data.target}`);
}

// 9. The receiver verified the signature of the room.created delivery (`roomsvc jobs` sends it).
const timeout = setTimeout(() => {
  console.error("no delivery within 30 s: is `roomsvc jobs` running?");
  process.exit(1);
}, 30_000);
const delivered = await roomCreated;
clearTimeout(timeout);
console.log(`delivery verified: ${delivered.type} ${delivered.id}`);
console.log(`LiveKit room sid: ${delivered.data.room_sid}`);

// Clean up: stop the subscription and the receiver.
await roomsvc.DELETE("/v1/event-subscriptions/{subscription_id}", {
  params: { path: { subscription_id: subscription.id } },
});
receiver.close();
