// decode.mjs decodes packets with NDNts, an implementation independent of
// ndnflow, for TestNDNtsCrossCheck in ndn/ndnts_test.go (node decode.mjs).
//
// stdin: one JSON request per line:
//   {"kind":"interest"|"data"|"name", "hex":"…"}
//   {"kind":"match", "hex":"<Interest>", "data":"<Data>"}
// stdout: one JSON result per line, in the same order; {"error":"…"} when
// NDNts rejects the input.
import "./polyfill.mjs";

import { createInterface } from "node:readline";

import { AltUri } from "@ndn/naming-convention2";
import { Data, Interest, Name } from "@ndn/packet";
import { Decoder } from "@ndn/tlv";

const toHex = (b) => (b ? Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex") : null);
const fromHex = (h) => new Uint8Array(Buffer.from(h, "hex"));
const uris = (name) => ({ canonical: name.toString(), alt: AltUri.ofName(name) });

async function handle(req) {
  switch (req.kind) {
    case "name": {
      return uris(new Decoder(fromHex(req.hex)).decode(Name));
    }
    case "interest": {
      const i = new Decoder(fromHex(req.hex)).decode(Interest);
      let paramsDigestValid = null;
      if (i.appParameters) {
        paramsDigestValid = await i.validateParamsDigest().then(() => true, () => false);
      }
      return {
        name: uris(i.name),
        canBePrefix: i.canBePrefix,
        mustBeFresh: i.mustBeFresh,
        fwHint: i.fwHint ? i.fwHint.delegations.map((n) => AltUri.ofName(n)) : [],
        nonce: i.nonce ?? null,
        lifetime: i.lifetime,
        hopLimit: i.hopLimit,
        appParameters: toHex(i.appParameters),
        sigType: i.sigInfo ? i.sigInfo.type : null,
        sigNonce: i.sigInfo ? toHex(i.sigInfo.nonce) : null,
        sigValue: toHex(i.sigValue),
        paramsDigestValid,
      };
    }
    case "data": {
      const d = new Decoder(fromHex(req.hex)).decode(Data);
      return {
        name: uris(d.name),
        contentType: d.contentType,
        freshnessPeriod: d.freshnessPeriod,
        finalBlockId: d.finalBlockId ? AltUri.ofComponent(d.finalBlockId) : null,
        content: toHex(d.content),
        sigType: d.sigInfo.type,
        keyLocator: d.sigInfo.keyLocator?.name ? AltUri.ofName(d.sigInfo.keyLocator.name) : null,
        sigValue: toHex(d.sigValue),
        implicitDigest: toHex(await d.computeImplicitDigest()),
        fullName: AltUri.ofName(await d.computeFullName()),
      };
    }
    case "match": {
      const i = new Decoder(fromHex(req.hex)).decode(Interest);
      const d = new Decoder(fromHex(req.data)).decode(Data);
      return { matches: await d.canSatisfy(i) };
    }
  }
  throw new Error(`unknown kind ${req.kind}`);
}

const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of rl) {
  if (line.trim() === "") {
    continue;
  }
  let out;
  try {
    out = await handle(JSON.parse(line));
  } catch (err) {
    out = { error: String(err?.message ?? err) };
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
}
