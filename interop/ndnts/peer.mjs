#!/usr/bin/env node
// peer.mjs: an NDNts (npm @ndn/*) producer, consumer, ping and raw-socket peer for ndnflow's interop tests.
// Every socket is loopback or a Unix path; the process exits on SIGTERM/SIGINT.
//
//   node peer.mjs produce  --uplink URI --file F [--sign digest|ed25519|ecdsa] [--cert-out F] [--mgmt localhost|localhop|native|none] NAME
//   node peer.mjs consume  --uplink URI [--out F] [--verify none|digest|cert:F] NAME
//   node peer.mjs pingserver --uplink URI [--mgmt ...] PREFIX
//   node peer.mjs ping     --uplink URI [--count N] [--interval MS] PREFIX
//   node peer.mjs raw      --uplink URI [--count N] [--idle N] NAME
//
// Face options (all but raw): --mtu N (UDP fragmentation, default 1400), --local-port N (UDP),
// --keepalive MS (IDLE after MS of silence, default 60000), --stats-out F (face counters as JSON at exit).
//
// produce and pingserver print "READY <name>" once their prefix is registered; consume, ping and raw
// print one JSON line; consume and ping include the face counters ("face").
import "./polyfill.mjs";

import { createHash, randomBytes } from "node:crypto";
import dgram from "node:dgram";
import fs from "node:fs";
import net from "node:net";
import { parseArgs } from "node:util";

import { consume, produce } from "@ndn/endpoint";
import { Forwarder } from "@ndn/fw";
import { Certificate, createVerifier, ECDSA, Ed25519, generateSigningKey, KeyChain, SigningAlgorithmListFull } from "@ndn/keychain";
import { AltUri, Segment3, Version3 } from "@ndn/naming-convention2";
import { NfdPrefixReg } from "@ndn/nfdmgmt";
import { L3Face } from "@ndn/l3face";
import { LpPacket } from "@ndn/lp";
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
    "local-port": { type: "string", default: "0" },
    keepalive: { type: "string", default: "60000" },
    interval: { type: "string", default: "0" },
    idle: { type: "string", default: "1" },
    "stats-out": { type: "string" },
  },
  allowPositionals: true,
});

function log(...args) {
  console.error("[ndnts]", ...args);
}

// stats counts what crosses the NDNts face at the transport level (frames
// before NDNts' LpService reassembles them or after it fragments them), so a
// test can see fragmentation, PIT tokens and IDLE packets on the wire.
// rxErrors counts frames NDNts could not decode; faceDown the times its face
// went down.
const stats = {
  rxFrames: 0, rxFragments: 0, rxIdle: 0, rxData: 0, rxDataToken6: 0, rxNack: 0, rxErrors: 0,
  txFrames: 0, txFragments: 0, txIdle: 0, txInterest: 0, txInterestToken6: 0, txData: 0, txDataToken: 0,
  faceDown: 0,
};

const TT_INTEREST = 0x05;
const TT_DATA = 0x06;
const TT_LP = 0x64;

// tally updates stats for one frame: dir is "rx" or "tx".
function tally(dir, frame) {
  stats[`${dir}Frames`]++;
  let token;
  let payload = frame;
  let nack = false;
  if (frame[0] === TT_LP) {
    let lpp;
    try {
      lpp = new Decoder(frame).decode(LpPacket);
    } catch {
      if (dir === "rx") {
        stats.rxErrors++;
      }
      return;
    }
    if (lpp.fragCount > 1) {
      stats[`${dir}Fragments`]++;
    }
    if (!lpp.payload) {
      stats[`${dir}Idle`]++;
      return;
    }
    if (lpp.fragIndex > 0) {
      return;
    }
    token = lpp.pitToken;
    payload = lpp.payload;
    nack = !!lpp.nack;
  }
  const type = payload[0];
  if (dir === "rx") {
    if (nack) {
      stats.rxNack++;
    } else if (type === TT_DATA) {
      stats.rxData++;
      if (token?.length === 6) {
        stats.rxDataToken6++;
      }
    }
  } else if (type === TT_INTEREST && !nack) {
    stats.txInterest++;
    if (token?.length === 6) {
      stats.txInterestToken6++;
    }
  } else if (type === TT_DATA) {
    stats.txData++;
    if (token) {
      stats.txDataToken++;
    }
  }
}

// tap wraps a transport's rx and tx so that every frame is tallied.
function tap(transport) {
  const rx = transport.rx;
  transport.rx = (async function* tapRx() {
    for await (const tlv of rx) {
      tally("rx", tlv.tlv);
      yield tlv;
    }
  })();
  const tx = transport.tx.bind(transport);
  transport.tx = (iterable) => tx((async function* tapTx() {
    for await (const frame of iterable) {
      tally("tx", frame);
      yield frame;
    }
  })());
  return transport;
}

// uplinkParts splits --uplink into protocol, host, port and path.
function uplinkParts() {
  const u = new URL(opt.uplink);
  const host = u.hostname.replace(/^\[|\]$/g, "");
  if (u.protocol !== "unix:" && !["127.0.0.1", "::1", "localhost"].includes(host)) {
    throw new Error(`refusing non-loopback uplink ${opt.uplink}`);
  }
  return {
    protocol: u.protocol,
    host,
    port: Number.parseInt(u.port || "6363", 10),
    path: decodeURIComponent(u.pathname),
    local: host.includes(":") ? "::1" : "127.0.0.1",
  };
}

// openFace connects to --uplink and adds the face to fw. UDP faces fragment
// at --mtu (NDNts' default for UDP is 1400) and bind --local-port when given;
// --keepalive sets how long the face stays silent before NDNts sends an IDLE
// packet (NDNts' default: 60000 ms).
async function openFace(fw) {
  const { protocol, host, port, path, local } = uplinkParts();
  let transport;
  const lp = { keepAlive: Number.parseInt(opt.keepalive, 10) };
  switch (protocol) {
    case "unix:":
      transport = await UnixTransport.connect(path);
      break;
    case "tcp:":
      transport = await TcpTransport.connect({ host, port, localAddress: local });
      break;
    case "udp:": {
      lp.mtu = Number.parseInt(opt.mtu, 10);
      transport = await UdpTransport.connect({
        host, port, family: host.includes(":") ? 6 : 4,
        bind: { address: local, port: Number.parseInt(opt["local-port"], 10) },
      });
      break;
    }
    default:
      throw new Error(`unsupported uplink ${opt.uplink}`);
  }
  const l3face = new L3Face(tap(transport), { advertiseFrom: false }, lp);
  l3face.addEventListener("down", () => stats.faceDown++);
  l3face.addEventListener("rxerror", () => stats.rxErrors++);
  return fw.addFace(l3face);
}

// writeStats writes the face counters to --stats-out, if given.
function writeStats() {
  if (opt["stats-out"]) {
    fs.writeFileSync(opt["stats-out"], JSON.stringify(stats));
  }
}

function onSignal(fn) {
  const h = async () => {
    try {
      await fn();
    } finally {
      writeStats();
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
  console.log(JSON.stringify({ name: AltUri.ofName(m.name), bytes, sha256: hash.digest("hex"), ms, face: stats }));
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
  const interval = Number.parseInt(opt.interval, 10);
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
    if (interval > 0 && i < n - 1) {
      await new Promise((resolve) => setTimeout(resolve, interval));
    }
  }
  console.log(JSON.stringify({ sent: n, received: rtts.length, lost, rtt_ms: rtts, face: stats }));
  face.close();
  process.exit(rtts.length > 0 ? 0 : 1);
}

// rawConnect opens a plain socket to --uplink (no NDNts face) and returns
// send(frame) and next(timeoutMs), which resolves to the next whole TLV frame
// the forwarder sends, or undefined on timeout or when the socket closed.
async function rawConnect() {
  const { protocol, host, port, path, local } = uplinkParts();
  const frames = [];
  const waiters = [];
  let closed = false;
  const push = (f) => {
    const w = waiters.shift();
    if (w) {
      w(f);
    } else {
      frames.push(f);
    }
  };
  const onClose = () => {
    closed = true;
    for (const w of waiters.splice(0)) {
      w(undefined);
    }
  };
  let send;
  let close;
  if (protocol === "udp:") {
    const sock = dgram.createSocket(host.includes(":") ? "udp6" : "udp4");
    await new Promise((resolve, reject) => {
      sock.once("error", reject);
      sock.bind({ address: local, port: 0 }, () => sock.connect(port, host, resolve));
    });
    sock.on("message", (msg) => push(new Uint8Array(msg)));
    sock.on("close", onClose);
    send = (f) => sock.send(f);
    close = () => sock.close();
  } else {
    const conn = protocol === "unix:" ? net.createConnection({ path }) : net.createConnection({ host, port, localAddress: local });
    await new Promise((resolve, reject) => {
      conn.once("error", reject);
      conn.once("connect", resolve);
    });
    let buf = Buffer.alloc(0);
    conn.on("data", (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        const n = tlvLength(buf);
        if (n === 0 || n > buf.length) {
          break;
        }
        push(new Uint8Array(buf.subarray(0, n)));
        buf = buf.subarray(n);
      }
    });
    conn.on("close", onClose);
    conn.on("error", () => {});
    send = (f) => conn.write(f);
    close = () => conn.destroy();
  }
  const next = (ms) => {
    if (frames.length > 0) {
      return Promise.resolve(frames.shift());
    }
    if (closed) {
      return Promise.resolve(undefined);
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        waiters.splice(waiters.indexOf(done), 1);
        resolve(undefined);
      }, ms);
      const done = (f) => {
        clearTimeout(timer);
        resolve(f);
      };
      waiters.push(done);
    });
  };
  return { send, next, close, isClosed: () => closed };
}

// tlvLength returns the length of the whole TLV at the start of b, or 0 when
// b does not hold its TLV-TYPE and TLV-LENGTH yet.
function tlvLength(b) {
  let off = 0;
  const varNum = () => {
    if (off >= b.length) {
      return undefined;
    }
    const first = b[off];
    const size = first < 0xFD ? 0 : { 0xFD: 2, 0xFE: 4, 0xFF: 8 }[first];
    if (off + 1 + size > b.length) {
      return undefined;
    }
    let v = size === 0 ? first : 0;
    for (let i = 1; i <= size; i++) {
      v = v * 256 + b[off + i];
    }
    off += 1 + size;
    return v;
  };
  if (varNum() === undefined) {
    return 0;
  }
  const len = varNum();
  return len === undefined ? 0 : off + len;
}

// cmdRaw speaks NDNLPv2 on a plain socket, without NDNts' face: --count
// rounds of --idle IDLE packets (64 00) followed by an Interest for
// NAME/<random> (MustBeFresh) in an LpPacket with a fresh 6-byte PIT token,
// as NDNts' face sends them. It prints one JSON line: for each round the
// reply's kind, name and whether the PIT token came back unchanged, and
// whether the forwarder closed the connection.
async function cmdRaw() {
  const prefix = AltUri.parseName(positionals[0]);
  const n = Number.parseInt(opt.count, 10);
  const idles = Number.parseInt(opt.idle, 10);
  const sock = await rawConnect();
  const idle = Uint8Array.of(TT_LP, 0x00);
  const replies = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < idles; j++) {
      sock.send(idle);
    }
    const interest = new Interest(prefix.append(`${Math.floor(Math.random() * 1e9)}`), Interest.MustBeFresh, Interest.Lifetime(2000));
    const lpp = new LpPacket();
    lpp.pitToken = new Uint8Array(randomBytes(6));
    lpp.payload = Encoder.encode(interest);
    sock.send(Encoder.encode(lpp));
    const reply = { kind: "timeout", tokenEchoed: false };
    const deadline = Date.now() + 3000;
    for (;;) {
      const f = await sock.next(Math.max(0, deadline - Date.now()));
      if (!f) {
        break;
      }
      let token;
      let payload = f;
      let nack;
      if (f[0] === TT_LP) {
        const back = new Decoder(f).decode(LpPacket);
        if (!back.payload) {
          continue; // IDLE from the forwarder
        }
        token = back.pitToken;
        payload = back.payload;
        nack = back.nack;
      }
      const kind = nack ? "nack" : { [TT_DATA]: "data", [TT_INTEREST]: "interest" }[payload[0]] ?? "other";
      const l3 = kind === "data" ? new Decoder(payload).decode(Data) : new Decoder(payload).decode(Interest);
      if (!l3.name.equals(interest.name)) {
        continue;
      }
      reply.kind = kind;
      reply.name = AltUri.ofName(l3.name);
      reply.tokenSent = Buffer.from(lpp.pitToken).toString("hex");
      reply.tokenBack = token ? Buffer.from(token).toString("hex") : "";
      reply.tokenEchoed = reply.tokenSent === reply.tokenBack;
      if (nack) {
        reply.nackReason = nack.reason;
      }
      break;
    }
    replies.push(reply);
  }
  const closed = sock.isClosed();
  sock.close();
  console.log(JSON.stringify({ idleSent: idles * n, replies, closed }));
  process.exit(0);
}

const cmds = { produce: cmdProduce, consume: cmdConsume, pingserver: cmdPingServer, ping: cmdPing, raw: cmdRaw };
if (!cmds[cmd]) {
  console.error("usage: node peer.mjs produce|consume|pingserver|ping|raw [options] NAME");
  process.exit(2);
}
try {
  await cmds[cmd]();
} catch (err) {
  log(`${cmd} failed: ${err?.stack ?? err}`);
  process.exit(1);
}
