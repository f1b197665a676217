// NDNts 0.0.20250307 declares engines node ^22.11 || ^23.6 and calls
// Promise.withResolvers() (added in Node 22). This shim makes Node 20 enough.
// Import it before any @ndn/* module.
if (typeof Promise.withResolvers !== "function") {
  Object.defineProperty(Promise, "withResolvers", {
    configurable: true,
    writable: true,
    value: function withResolvers() {
      let resolve, reject;
      const promise = new this((res, rej) => { resolve = res; reject = rej; });
      return { promise, resolve, reject };
    },
  });
}
