// mgmt-crosscheck.mjs decodes ndn/mgmt test vectors with NDNts @ndn/nfdmgmt,
// an independent implementation, and encodes a few structures with it, for
// TestNDNtsCrossCheck in ndn/mgmt/ndnts_test.go (node mgmt-crosscheck.mjs).
//
// stdin: JSON array of {"kind": "...", "hex": "..."}.
// stdout: JSON object {"decoded": [...], "encoded": {...}}; each decoded
// entry is {"ok": true, "value": {...}} or {"ok": false, "error": "..."}.
// BigInts print as decimal strings, Names as canonical URIs, bytes as hex.
import "./polyfill.mjs";

import { Version } from "@ndn/naming-convention2";
import { Data, Name, ValidityPeriod } from "@ndn/packet";
import { Decoder, Encoder } from "@ndn/tlv";
import * as M from "@ndn/nfdmgmt";

const fromHex = (s) => Uint8Array.from((s.match(/../g) ?? []).map((h) => Number.parseInt(h, 16)));
const toHex = (b) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");

function plain(v) {
  if (typeof v === "bigint") {
    return v.toString();
  }
  if (v instanceof Name) {
    return v.toString();
  }
  if (v instanceof Uint8Array) {
    return toHex(v);
  }
  if (Array.isArray(v)) {
    return v.map(plain);
  }
  if (v && typeof v === "object") {
    const o = {};
    for (const [k, x] of Object.entries(v)) {
      if (x !== undefined && !k.endsWith("_")) {
        o[k] = plain(x);
      }
    }
    return o;
  }
  return v;
}

const decoders = {
  cp: (b) => Decoder.decode(b, M.ControlParameters),
  cr: (b) => {
    const cr = Decoder.decode(b, M.ControlResponse);
    return { statusCode: cr.statusCode, statusText: cr.statusText, body: cr.body };
  },
  facestatus: (b) => Decoder.decode(b, M.FaceStatus),
  channel: (b) => Decoder.decode(b, M.ChannelStatus),
  csinfo: (b) => Decoder.decode(b, M.CsInfo),
  strategy: (b) => Decoder.decode(b, M.StrategyChoice),
  rib: (b) => Decoder.decode(b, M.RibEntry),
  filter: (b) => Decoder.decode(b, M.FaceQueryFilter),
  general: (b) => M.GeneralStatus.decodeFrom(new Decoder(b)),
  pa: (b) => {
    const pa = M.PrefixAnn.fromData(Decoder.decode(b, Data));
    const v = { announced: pa.announced, expirationPeriod: pa.expirationPeriod };
    if (pa.validityPeriod) {
      v.notBefore = pa.validityPeriod.notBefore;
      v.notAfter = pa.validityPeriod.notAfter;
    }
    return v;
  },
};

let input = "";
for await (const chunk of process.stdin) {
  input += chunk;
}
const decoded = JSON.parse(input).map(({ kind, hex }) => {
  try {
    return { ok: true, value: plain(decoders[kind](fromHex(hex))) };
  } catch (err) {
    return { ok: false, error: String(err?.message ?? err) };
  }
});

const encoded = {
  cpReg: toHex(Encoder.encode(new M.ControlParameters({
    name: new Name("/example"), origin: 65, cost: 0, flags: 2, expirationPeriod: 1200000,
  }))),
  cpFace: toHex(Encoder.encode(new M.ControlParameters({
    faceId: 300, uri: "udp4://192.0.2.1:6363", localUri: "udp4://192.0.2.2:6363", flags: 5, mask: 7,
    facePersistency: M.FacePersistency.Permanent, baseCongestionMarkingInterval: 100000000,
    defaultCongestionThreshold: 65536, mtu: 8800,
  }))),
  cpStrategy: toHex(Encoder.encode(new M.ControlParameters({
    name: new Name("/a"), strategy: new Name("/localhost/nfd/strategy/best-route").append(Version, 5), capacity: 65536, count: 5,
  }))),
  cr: toHex(Encoder.encode(new M.ControlResponse(200, "OK", Encoder.encode(new M.ControlParameters({ faceId: 7 }))))),
  pa: toHex(Encoder.encode((await M.PrefixAnn.build({
    announced: new Name("/example"), version: 1700000000000, expirationPeriod: 3600000,
    validityPeriod: new ValidityPeriod(Date.UTC(2026, 0, 2, 3, 4, 5), Date.UTC(2026, 0, 3, 3, 4, 5)),
  })).data)),
};

process.stdout.write(JSON.stringify({ decoded, encoded }));
