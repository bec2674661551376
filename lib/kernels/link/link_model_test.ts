import { assert, assertClose, assertThrows } from "../../../tests/assert.ts";
import { InvalidArgumentError } from "../../errors.ts";
import { createLinkModel, expectedQber, type LinkPhysics } from "./link_model.ts";

const phys = (over: Partial<LinkPhysics>): LinkPhysics => ({
  channelFidelity: 0.99,
  detectionEfficiency: 1,
  detectorError: 0,
  darkCountProb: 1e-9,
  ...over,
});

Deno.test("expectedQber() with e_det matches the derived vectors of §14.3", () => {
  assertClose(expectedQber("heralded-double-click", phys({ detectorError: 0.01 })), 0.022980, 5e-7);
  assertClose(
    expectedQber(
      "heralded-double-click",
      phys({ detectionEfficiency: 0.1, darkCountProb: 1e-4, detectorError: 0.005 }),
    ),
    0.021703,
    5e-7,
  );
  assertClose(
    expectedQber("depolarising", phys({ channelFidelity: 0.95, detectorError: 0.01 })),
    0.042667,
    5e-7,
  );
});

Deno.test("createLinkModel() analytic link is E1 capped at 1/2 with no detector stage", () => {
  const link = createLinkModel("analytic", phys({ channelFidelity: 0.95, detectorError: 0.01 }));
  assertClose(link.expectedQber, 0.035 + 0.5e-9 * 0, 1e-9);
  assert(link.detectorFlipProb === 0);
});

Deno.test("createLinkModel() detectorErrorMode caligo leaves e_det inert", () => {
  const link = createLinkModel(
    "depolarising",
    phys({ channelFidelity: 0.97, detectorError: 0.05, detectorErrorMode: "caligo" }),
  );
  assertClose(link.expectedQber, 0.02, 1e-12);
  assert(link.detectorFlipProb === 0);
});

Deno.test("createLinkModel() rejects inputs naming the parameter", () => {
  assertThrows(
    () => createLinkModel("depolarising", phys({ detectionEfficiency: 0 })),
    InvalidArgumentError,
    "detection_efficiency",
  );
  assertThrows(
    () => createLinkModel("depolarising", phys({ channelFidelity: NaN })),
    InvalidArgumentError,
    "channel_fidelity",
  );
  assertThrows(
    // deno-lint-ignore no-explicit-any
    () => createLinkModel("nosuch" as any, phys({})),
    InvalidArgumentError,
    "link_model",
  );
});
