// security.mjs is the NDNts side of security/interop_test.go. Usage: node security.mjs COMMAND,
// with a JSON request on stdin and a JSON reply on stdout; byte strings are hex.
//
//   sign      {alg, name}               -> {cert, data}   NDNts key signs a Data
//   verify    {cert, data}              -> {ok, error?}   NDNts verifies our Data with our certificate
//   bag-make  {alg, name, passphrase}   -> {safebag}      NDNts exports a SafeBag
//   bag-sign  {safebag, passphrase, name} -> {data}       NDNts imports our SafeBag and signs a Data with it
//   isign     {alg, name}               -> {cert, interest} NDNts signs a v0.3 Interest (nonce, time, seq)
//   iverify   {cert, interest}          -> {ok, error?}   NDNts verifies our signed Interest and its policy
import "./polyfill.mjs";

import { generateKeyPairSync } from "node:crypto";

import { Certificate, CertNaming, createVerifier, ECDSA, Ed25519, generateSigningKey, RSA, SigningAlgorithmListFull } from "@ndn/keychain";
import { SafeBag } from "@ndn/ndnsec";
import { Data, Interest, SignedInterestPolicy } from "@ndn/packet";
import { Decoder, Encoder } from "@ndn/tlv";

const ALGOS = { ed25519: Ed25519, ecdsa: ECDSA, rsa: RSA };
const hex = (b) => Buffer.from(b).toString("hex");
const unhex = (s) => new Uint8Array(Buffer.from(s, "hex"));
const decodeData = (s) => new Decoder(unhex(s)).decode(Data);

async function readStdin() {
  const chunks = [];
  for await (const c of process.stdin) {
    chunks.push(c);
  }
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}

function algo(name) {
  const a = ALGOS[name];
  if (!a) {
    throw new Error(`unknown algorithm ${name}`);
  }
  return a;
}

async function signData(pvt, name) {
  const data = new Data(`${name}/data`, Data.FreshnessPeriod(1000), new TextEncoder().encode("signed by NDNts"));
  await pvt.sign(data);
  return hex(Encoder.encode(data));
}

const commands = {
  async sign({ alg, name }) {
    const [pvt, pub] = await generateSigningKey(name, algo(alg));
    const cert = await Certificate.selfSign({ privateKey: pvt, publicKey: pub });
    return { cert: hex(Encoder.encode(cert.data)), data: await signData(pvt, name) };
  },

  async verify({ cert, data }) {
    const c = Certificate.fromData(decodeData(cert));
    const v = await createVerifier(c, { algoList: SigningAlgorithmListFull });
    try {
      await v.verify(decodeData(data));
      return { ok: true };
    } catch (err) {
      return { ok: false, error: String(err) };
    }
  },

  async ["bag-make"]({ alg, name, passphrase }) {
    const kp = alg === "ed25519" ? generateKeyPairSync("ed25519") : generateKeyPairSync("ec", { namedCurve: "P-256" });
    const pkcs8 = kp.privateKey.export({ type: "pkcs8", format: "der" });
    const spki = kp.publicKey.export({ type: "spki", format: "der" });
    const [pvt, pub] = await generateSigningKey(name, algo(alg), { importPkcs8: [pkcs8, spki] });
    const cert = await Certificate.selfSign({ privateKey: pvt, publicKey: pub });
    const bag = await SafeBag.create(cert, pkcs8, passphrase);
    return { safebag: hex(Encoder.encode(bag)) };
  },

  async ["bag-sign"]({ safebag, passphrase, alg }) {
    const bag = new Decoder(unhex(safebag)).decode(SafeBag);
    const pkcs8 = await bag.decryptKey(passphrase);
    const keyName = CertNaming.toKeyName(bag.certificate.name);
    const [pvt] = await generateSigningKey(keyName, algo(alg), {
      importPkcs8: [pkcs8, bag.certificate.publicKeySpki],
    });
    const identity = CertNaming.toSubjectName(bag.certificate.name);
    return { data: await signData(pvt, identity.toString()) };
  },
};

const interestPolicy = () => new SignedInterestPolicy(
  SignedInterestPolicy.Nonce(), SignedInterestPolicy.Time(), SignedInterestPolicy.SeqNum());

commands.isign = async ({ alg, name }) => {
  const [pvt, pub] = await generateSigningKey(name, algo(alg));
  const cert = await Certificate.selfSign({ privateKey: pvt, publicKey: pub });
  const interest = new Interest(`${name}/cmd`, new TextEncoder().encode("params"));
  await interestPolicy().makeSigner(pvt).sign(interest);
  return { cert: hex(Encoder.encode(cert.data)), interest: hex(Encoder.encode(interest)) };
};

commands.iverify = async ({ cert, interest }) => {
  const c = Certificate.fromData(decodeData(cert));
  const v = interestPolicy().makeVerifier(await createVerifier(c, { algoList: SigningAlgorithmListFull }));
  try {
    await v.verify(new Decoder(unhex(interest)).decode(Interest));
    return { ok: true };
  } catch (err) {
    return { ok: false, error: String(err) };
  }
};

const cmd = commands[process.argv[2]];
if (!cmd) {
  console.error(`usage: node security.mjs ${Object.keys(commands).join("|")} < request.json`);
  process.exit(2);
}
process.stdout.write(JSON.stringify(await cmd(await readStdin())) + "\n");
