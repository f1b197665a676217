// NDNts 0.0.20250307 calls Promise.withResolvers (Node 22+); Debian's Node 20
// lacks it. Every script here imports this module before any @ndn/* module.
if (typeof Promise.withResolvers !== "function") {
  Object.defineProperty(Promise, "withResolvers", {
    configurable: true,
    writable: true,
    value: function withResolvers() {
      let resolve;
      let reject;
      const promise = new this((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}
