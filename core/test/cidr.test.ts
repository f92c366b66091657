import { describe, expect, it } from "vitest";
import { ipAllowed, isValidCidr, parseIp } from "../net/cidr";

describe("CIDR allow-lists", () => {
  it("parses IPv4 and IPv6 forms", () => {
    expect(parseIp("192.168.1.1")).toEqual(new Uint8Array([192, 168, 1, 1]));
    expect(parseIp("::1")?.length).toBe(16);
    expect(parseIp("2001:db8::8a2e:370:7334")?.length).toBe(16);
    expect(parseIp("::ffff:10.0.0.1")).toEqual(new Uint8Array([10, 0, 0, 1]));
    for (const bad of ["256.1.1.1", "1.2.3", "01.2.3.4", "1::2::3", "2001:db8::g", "", "1.2.3.4.5", "::1::"]) {
      expect(parseIp(bad), bad).toBeNull();
    }
  });

  it("validates blocks", () => {
    for (const ok of ["10.0.0.0/8", "0.0.0.0/0", "1.2.3.4", "2001:db8::/32", "::/0", "::ffff:0:0/96"]) {
      expect(isValidCidr(ok), ok).toBe(true);
    }
    for (const bad of ["10.0.0.0/33", "2001:db8::/129", "10.0.0.0/-1", "10.0.0.0/8/8", "foo", "10.0.0.0/a"]) {
      expect(isValidCidr(bad), bad).toBe(false);
    }
  });

  it("matches addresses against blocks on bit boundaries", () => {
    expect(ipAllowed("192.168.1.200", ["192.168.1.0/24"])).toBe(true);
    expect(ipAllowed("192.168.2.1", ["192.168.1.0/24"])).toBe(false);
    expect(ipAllowed("10.1.2.3", ["10.0.0.0/15"])).toBe(true);
    expect(ipAllowed("10.2.0.0", ["10.0.0.0/15"])).toBe(false);
    expect(ipAllowed("8.8.8.8", ["0.0.0.0/0"])).toBe(true);
    expect(ipAllowed("1.2.3.4", ["1.2.3.4"])).toBe(true);
    expect(ipAllowed("1.2.3.5", ["1.2.3.4"])).toBe(false);
    expect(ipAllowed("2001:db8:ffff::1", ["2001:db8::/32"])).toBe(true);
    expect(ipAllowed("2001:db9::1", ["2001:db8::/32"])).toBe(false);
    expect(ipAllowed("fe80::1", ["fe80::/10"])).toBe(true);
    expect(ipAllowed("fec0::1", ["fe80::/10"])).toBe(false);
  });

  it("treats IPv4-mapped IPv6 as IPv4 and never mixes families otherwise", () => {
    expect(ipAllowed("::ffff:192.168.1.9", ["192.168.1.0/24"])).toBe(true);
    expect(ipAllowed("192.168.1.9", ["::ffff:192.168.1.0/120"])).toBe(true);
    expect(ipAllowed("192.168.1.9", ["::/0"])).toBe(false);
    expect(ipAllowed("::1", ["0.0.0.0/0"])).toBe(false);
    expect(ipAllowed("garbage", ["0.0.0.0/0"])).toBe(false);
  });
});
