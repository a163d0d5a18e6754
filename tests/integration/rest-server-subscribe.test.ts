/**
 * SSE subscriptions through the local REST server with the real client: subscribe, psubscribe,
 * raw (never base64) messages, and the Redis subscriber connection closing when the client leaves.
 */
import type { Redis as IORedis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { directRedis, randomPrefix, testRedis } from "../support/redis";

let direct: IORedis;
beforeAll(() => {
  direct = directRedis();
});
afterAll(async () => {
  await direct.quit();
});

async function waitFor(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function subscriberCount(channel: string): Promise<number> {
  const reply = (await direct.call("PUBSUB", "NUMSUB", channel)) as [string, number];
  return Number(reply[1]);
}

describe("subscriptions", () => {
  it("delivers published messages raw, even with base64 encoding on, and closes on unsubscribe", async () => {
    const redis = testRedis();
    const channel = `${randomPrefix("chan")}news`;
    const received: unknown[] = [];
    const subscriber = redis.subscribe<unknown>([channel]);
    subscriber.on("message", ({ message }) => received.push(message));
    await waitFor(async () => (await subscriberCount(channel)) === 1, "the subscription");

    expect(await redis.publish(channel, "really?")).toBe(1);
    expect(await redis.publish(channel, { hello: "😀" })).toBe(1);
    await waitFor(async () => received.length === 2, "two messages");
    expect(received).toEqual(["really?", { hello: "😀" }]);

    await subscriber.unsubscribe();
    await waitFor(async () => (await subscriberCount(channel)) === 0, "the Redis subscriber to go away");
  });

  it("delivers pattern messages with their channel", async () => {
    const redis = testRedis({ autoPipelining: false });
    const prefix = randomPrefix("pchan");
    const received: Array<{ channel: string; message: unknown }> = [];
    const subscriber = redis.psubscribe<unknown>([`${prefix}*`]);
    subscriber.on("pmessage", ({ channel, message }) => received.push({ channel, message }));
    await waitFor(async () => Number(await direct.call("PUBSUB", "NUMPAT")) > 0, "the pattern subscription");
    await waitFor(async () => {
      // The client JSON.parses pattern messages without a fallback: publish JSON.
      await redis.publish(`${prefix}a`, { n: 1 });
      return received.length > 0;
    }, "a pattern message");
    expect(received[0]).toEqual({ channel: `${prefix}a`, message: { n: 1 } });
    await subscriber.unsubscribe();
  });
});
