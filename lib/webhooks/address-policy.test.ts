import { describe, expect, it } from "vitest";
import { deploymentAddressPolicy, refusedAddress, refusedWebhookUrl } from "@/lib/webhooks/address-policy";

const deny = { allowPrivate: false, allowLoopback: false };
const loopbackOnly = { allowPrivate: false, allowLoopback: true };
const allow = { allowPrivate: true, allowLoopback: true };

describe("webhook address policy", () => {
  it("refuses private, loopback, link-local, reserved and multicast addresses", () => {
    for (const a of [
      "127.0.0.1", "127.8.9.10", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254", "100.64.0.1",
      "0.0.0.0", "198.18.0.1", "224.0.0.1", "255.255.255.255", "::1", "::", "fd00::1", "fc12::1", "fe80::1", "ff02::1",
      "::ffff:127.0.0.1", "::ffff:7f00:1", "::ffff:a9fe:a9fe", "64:ff9b::10.0.0.1", "::FFFF:192.168.0.1",
    ]) {
      expect(refusedAddress(a, deny), a).not.toBeNull();
    }
  });

  it("allows public addresses", () => {
    for (const a of ["8.8.8.8", "1.1.1.1", "172.32.0.1", "192.169.0.1", "100.128.0.1", "2606:4700::1111", "::ffff:8.8.8.8"]) {
      expect(refusedAddress(a, deny), a).toBeNull();
    }
  });

  it("lets loopback through only when allowed, and everything when private networks are allowed", () => {
    expect(refusedAddress("127.0.0.1", loopbackOnly)).toBeNull();
    expect(refusedAddress("::1", loopbackOnly)).toBeNull();
    expect(refusedAddress("10.0.0.1", loopbackOnly)).not.toBeNull();
    expect(refusedAddress("169.254.169.254", loopbackOnly)).not.toBeNull();
    expect(refusedAddress("10.0.0.1", allow)).toBeNull();
  });

  it("derives the policy from the deployment: loopback only for a console on loopback", () => {
    expect(deploymentAddressPolicy({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: false, NEXTAUTH_URL: "http://localhost:3000" })).toEqual(loopbackOnly);
    expect(deploymentAddressPolicy({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: false, NEXTAUTH_URL: "http://127.0.0.1:3000" })).toEqual(loopbackOnly);
    expect(deploymentAddressPolicy({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: false, NEXTAUTH_URL: "https://rampart.example.com" })).toEqual(deny);
    const open = deploymentAddressPolicy({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: true, NEXTAUTH_URL: "https://rampart.example.com" });
    expect(open.allowPrivate).toBe(true);
    expect(refusedAddress("127.0.0.1", open)).toBeNull();
  });

  it("checks literal hosts in URLs when an endpoint is saved", () => {
    expect(refusedWebhookUrl("http://169.254.169.254/latest/meta-data", deny)).toMatch(/private or reserved/);
    expect(refusedWebhookUrl("http://[::1]:8080/x", deny)).toMatch(/loopback/);
    expect(refusedWebhookUrl("http://localhost:6379/", deny)).toMatch(/loopback/);
    expect(refusedWebhookUrl("http://app.localhost/", deny)).toMatch(/loopback/);
    expect(refusedWebhookUrl("https://hooks.slack.com/services/x", deny)).toBeNull();
    expect(refusedWebhookUrl("http://localhost:9/x", loopbackOnly)).toBeNull();
  });
});
