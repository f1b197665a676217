#!/usr/bin/env node
// peer.mjs: an NDNts (npm @ndn/*) producer, consumer and ping peer for ndnflow's interop tests.
// Every socket is loopback or a Unix path; the process exits on SIGTERM/SIGINT.
//
//   node peer.mjs produce  --uplink URI --file F [--sign digest|ed25519|ecdsa] [--cert-out F] [--mgmt localhost|native|none] NAME
//   node peer.mjs consume  --uplink URI [--out F] [--verify none|digest|cert:F] NAME
//   node peer.mjs pingserver --uplink URI PREFIX
//   node peer.mjs ping     --uplink URI [--count N] PREFIX
//
// produce prints "READY <versioned name>" once its prefix is registered; consume prints one JSON line.
import "./polyfill.mjs";

import { createHash } from "node:crypto";
import fs from "node:fs";
import { parseArgs } from "node:util";

import { consume, produce } from "@ndn/endpoint";
import { Forwarder } from "@ndn/fw";
import { Certificate, createVerifier, ECDSA, Ed25519, generateSigningKey, KeyChain, SigningAlgorithmListFull } from "@ndn/keychain";
import { AltUri, Segment3, Version3 } from "@ndn/naming-convention2";
import { NfdPrefixReg } from "@ndn/nfdmgmt";
import { TcpTransport, UdpTransport, UnixTransport } from "@ndn/node-transport";
import { Data, digestSigning, Interest, Name } from "@ndn/packet";
import { Metadata, retrieveMetadata, serveMetadata } from "@ndn/rdr";
import { BufferChunkSource, DataProducer, fetch } from "@ndn/segmented-object";
import { Decoder, Encoder } from "@ndn/tlv";

const [cmd, ...rest] = process.argv.slice(2);
const { values: opt, positionals } = parseArgs({
  args: rest,
  options: {
    uplink: { type: "string", default: "unix:///run/nfd/nfd.sock" },
    file: { type: "string" },
    out: { type: "string" },
    sign: { type: "string", default: "digest" },
    "cert-out": { type: "string" },
    verify: { type: "string", default: "digest" },
    mgmt: { type: "string", default: "localhost" },
    chunk: { type: "string", default: "8000" },
    count: { type: "string", default: "10" },
    mtu: { type: "string", default: "1400" },
  },
  allowPositionals: true,
});

function log(...args) {
  console.error("[ndnts]", ...args);
}

async function openFace(fw) {
  const u = new URL(opt.uplink);
  const host = u.hostname.replace(/^\[|\]$/g, "");
  const port = Number.parseInt(u.port || "6363", 10);
  switch (u.protocol) {
    case "unix:":
      return UnixTransport.createFace({ fw, addRoutes: [] }, decodeURIComponent(u.pathname));
    case "tcp:":
      return TcpTransport.createFace({ fw, addRoutes: [] }, { host, port, localAddress: host.includes(":") ? "::1" : "127.0.0.1" });
    case "udp:": {
      const family = host.includes(":") ? 6 : 4;
      return UdpTransport.createFace({ fw, addRoutes: [], lp: { mtu: Number.parseInt(opt.mtu, 10) } },
        { host, port, family, bind: { address: family === 6 ? "::1" : "127.0.0.1" } });
    }
  }
  throw new Error(`unsupported uplink ${opt.uplink}`);
}

function onSignal(fn) {
  const h = async () => {
    try {
      await fn();
    } finally {
      process.exit(0);
    }
  };
  process.on("SIGTERM", h);
  process.on("SIGINT", h);
}

// register sends rib/register for prefix and resolves when the forwarder answers 200.
function register(face, fw, prefix) {
  if (opt.mgmt === "none") {
    return Promise.resolve();
  }
  const opts = { signer: digestSigning };
  if (opt.mgmt === "localhost") {
    opts.prefix = new Name("/localhost/nfd");
  } else if (opt.mgmt === "localhop") {
    opts.prefix = new Name("/localhop/nfd");
  }
  const reg = new NfdPrefixReg(face, opts);
  const { promise, resolve } = Promise.withResolvers();
  const orig = reg.doAdvertise.bind(reg);
  reg.doAdvertise = async (name, state) => {
    await orig(name, state);
    resolve();
  };
  reg.enable(fw);
  return promise;
}

async function makeSigner(kind, subject) {
  if (kind === "digest") {
    return { signer: digestSigning };
  }
  const algo = { ed25519: Ed25519, ecdsa: ECDSA }[kind];
  if (!algo) {
    throw new Error(`unknown --sign ${kind}`);
  }
  const keyChain = KeyChain.createTemp(SigningAlgorithmListFull);
  const [pvt, pub] = await generateSigningKey(keyChain, subject, algo);
  const cert = await Certificate.selfSign({ privateKey: pvt, publicKey: pub });
  return { signer: pvt, cert, keyName: pvt.name };
}

async function cmdProduce() {
  const prefix = AltUri.parseName(positionals[0]);
  const fw = Forwarder.create();
  const buf = fs.readFileSync(opt.file);
  const s = await makeSigner(opt.sign, prefix);
  if (s.cert && opt["cert-out"]) {
    fs.writeFileSync(opt["cert-out"], Buffer.from(Encoder.encode(s.cert.data)).toString("base64"));
  }
  const versioned = prefix.append(Version3, Date.now());
  const segments = [];
  const source = new BufferChunkSource(buf, { chunkSize: Number.parseInt(opt.chunk, 10) });
  for await (const data of DataProducer.listData(source, versioned, { segmentNumConvention: Segment3, signer: s.signer, freshnessPeriod: 60000 })) {
    segments.push(data);
  }
  const face = await openFace(fw);
  const closers = [];
  const vLen = versioned.length;
  closers.push(produce(prefix, async (interest) => {
    const { name } = interest;
    if (name.length === vLen + 1 && versioned.isPrefixOf(name) && Segment3.match(name.at(-1))) {
      return segments[Segment3.parse(name.at(-1))];
    }
    if (interest.canBePrefix && name.isPrefixOf(versioned)) {
      return segments[0];
    }
    return undefined;
  }, { fw, concurrency: 64 }));
  closers.push(serveMetadata(new Metadata(versioned), { signer: s.signer, pOpts: { fw, announcement: false } }));
  if (s.cert) {
    closers.push(produce(s.keyName, async () => s.cert.data, { fw, announcement: false }));
  }
  onSignal(async () => {
    for (const c of closers) {
      c.close();
    }
    face.close();
  });
  await register(face, fw, prefix);
  console.log(`READY ${AltUri.ofName(versioned)}`);
}

async function cmdConsume() {
  const name = AltUri.parseName(positionals[0]);
  const fw = Forwarder.create();
  const face = await openFace(fw);
  face.addRoute(new Name("/"));
  let verifier;
  if (opt.verify === "digest") {
    verifier = digestSigning;
  } else if (opt.verify.startsWith("cert:")) {
    const wire = Buffer.from(fs.readFileSync(opt.verify.slice(5), "utf8").replace(/\s+/g, ""), "base64");
    const cert = Certificate.fromData(new Decoder(wire).decode(Data));
    verifier = await createVerifier(cert, { algoList: SigningAlgorithmListFull });
  }
  const t0 = performance.now();
  const m = await retrieveMetadata(name, { fw, retx: 3 });
  const hash = createHash("sha256");
  const out = opt.out ? fs.createWriteStream(opt.out) : undefined;
  let bytes = 0;
  for await (const chunk of fetch(m.name, { fw, verifier, retxLimit: 15 }).chunks()) {
    hash.update(chunk);
    bytes += chunk.length;
    out?.write(chunk);
  }
  if (out) {
    await new Promise((resolve) => out.end(resolve));
  }
  const ms = performance.now() - t0;
  console.log(JSON.stringify({ name: AltUri.ofName(m.name), bytes, sha256: hash.digest("hex"), ms }));
  face.close();
  process.exit(0);
}

async function cmdPingServer() {
  const prefix = AltUri.parseName(positionals[0]).append("ping");
  const fw = Forwarder.create();
  const face = await openFace(fw);
  const p = produce(prefix, async (interest) => {
    const data = new Data(interest.name, Data.FreshnessPeriod(0), new Uint8Array(8));
    await digestSigning.sign(data);
    return data;
  }, { fw });
  onSignal(async () => {
    p.close();
    face.close();
  });
  await register(face, fw, prefix);
  console.log(`READY ${AltUri.ofName(prefix)}`);
}

async function cmdPing() {
  const prefix = AltUri.parseName(positionals[0]).append("ping");
  const fw = Forwarder.create();
  const face = await openFace(fw);
  face.addRoute(new Name("/"));
  const n = Number.parseInt(opt.count, 10);
  const rtts = [];
  let lost = 0;
  const base = Math.floor(Math.random() * 1e9);
  for (let i = 0; i < n; i++) {
    const interest = new Interest(prefix.append(`${base + i}`), Interest.MustBeFresh, Interest.Lifetime(1000));
    const t0 = performance.now();
    try {
      await consume(interest, { fw, retx: 0 });
      rtts.push(performance.now() - t0);
    } catch {
      lost++;
    }
  }
  console.log(JSON.stringify({ sent: n, received: rtts.length, lost, rtt_ms: rtts }));
  face.close();
  process.exit(rtts.length > 0 ? 0 : 1);
}

const cmds = { produce: cmdProduce, consume: cmdConsume, pingserver: cmdPingServer, ping: cmdPing };
if (!cmds[cmd]) {
  console.error("usage: node peer.mjs produce|consume|pingserver|ping [options] NAME");
  process.exit(2);
}
try {
  await cmds[cmd]();
} catch (err) {
  log(`${cmd} failed: ${err?.stack ?? err}`);
  process.exit(1);
}
