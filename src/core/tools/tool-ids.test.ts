import { describe, expect, it } from "vitest";
import { StableCallIds } from "./tool-ids.js";

describe("StableCallIds", () => {
  it("gives the same call the same id on every turn, and different calls different ids", () => {
    const first = new StableCallIds();
    const again = new StableCallIds();
    const a = first.mint("1.0", "read_file", '{"path":"a"}');
    expect(again.mint("1.0", "read_file", '{"path":"a"}')).toBe(a);
    expect(a).toMatch(/^call_[0-9a-f]{8}$/);
    expect(first.mint("1.1", "read_file", '{"path":"a"}')).not.toBe(a);
  });

  it("never repeats an id within one request", () => {
    const ids = new StableCallIds();
    const a = ids.mint("1.0", "f", "{}");
    const b = ids.mint("1.0", "f", "{}");
    expect(b).not.toBe(a);
  });
});
