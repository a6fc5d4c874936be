// Preloaded (NODE_OPTIONS=--require) into the node processes the Pulumi
// engine starts during `npm run demo`, i.e. the dynamic-provider host. It
// moves their clock forward by ATLAS_USERS_DEMO_CLOCK_OFFSET_MS, so that when
// the demo says "25 hours pass", the provider's clock agrees with the
// emulator's (whose clock the demo moves through its control API). Demo only.
"use strict";

const offset = Number(process.env.ATLAS_USERS_DEMO_CLOCK_OFFSET_MS || 0);
if (offset) {
  const RealDate = Date;
  function ShiftedDate(...args) {
    if (!new.target) return new RealDate(RealDate.now() + offset).toString();
    return args.length === 0 ? new RealDate(RealDate.now() + offset) : new RealDate(...args);
  }
  ShiftedDate.prototype = RealDate.prototype;
  ShiftedDate.now = () => RealDate.now() + offset;
  ShiftedDate.parse = RealDate.parse;
  ShiftedDate.UTC = RealDate.UTC;
  globalThis.Date = ShiftedDate;
}
