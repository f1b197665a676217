// NDNts 0.0.20250307 calls Promise.withResolvers (Node 22+). Debian's Node 20 lacks it.
// Import this module before any @ndn/* module.
if (typeof Promise.withResolvers !== "function") {
  Promise.withResolvers = function withResolvers() {
    let resolve;
    let reject;
    const promise = new Promise((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}
