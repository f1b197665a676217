// Node 20 lacks Promise.withResolvers (Node 22), which NDNts 0.0.20250307
// calls. Import this module before any @ndn/* module.
if (typeof Promise.withResolvers !== "function") {
  Promise.withResolvers = function () {
    const r = {};
    r.promise = new this((resolve, reject) => {
      r.resolve = resolve;
      r.reject = reject;
    });
    return r;
  };
}
