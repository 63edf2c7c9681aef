// One operation of the lab's session through the npm `webdav` library, used
// as applications use it: createClient(url) and its calls, no options, no
// retry logic of our own. Prints one JSON line:
//   {"op", "ok", "status", "message"}   (message: what the library raised)
//   node session.mjs <op> <baseURL> <workdir>
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createClient } from "webdav";

const [op, base, work] = process.argv.slice(2);
if (!op || !base || !work) {
    process.stderr.write("usage: node session.mjs <op> <baseURL> <workdir>\n");
    process.exit(2);
}
const client = createClient(base);
const NS = "urn:lab";
const payload = () => readFileSync(join(work, "up.txt"));
// The propstat status lines of a multistatus body, e.g. "HTTP/1.1 404 Not Found".
const propstats = (xml) => [...xml.matchAll(/<(?:\w+:)?status>\s*([^<]*?)\s*<\/(?:\w+:)?status>/g)].map(m => m[1]);

const ops = {
    list: async () => { await client.getDirectoryContents("/"); },
    upload: async () => { await client.putFileContents("up.txt", payload()); },
    download: async () => {
        const got = Buffer.from(await client.getFileContents("up.txt"));
        writeFileSync(join(work, "down.txt"), got);
        if (!got.equals(payload())) throw new Error("downloaded bytes differ");
    },
    mkdir: async () => { await client.createDirectory("newdir"); },
    copy: async () => { await client.copyFile("up.txt", "copy.txt"); },
    move: async () => { await client.moveFile("copy.txt", "moved.txt"); },
    lock: async () => {
        const lock = await client.lock("up.txt");
        writeFileSync(join(work, "node.lock"), lock.token);
    },
    unlock: async () => {
        await client.unlock("up.txt", readFileSync(join(work, "node.lock"), "utf8"));
    },
    setprop: async () => {
        const r = await client.customRequest("up.txt", {
            method: "PROPPATCH",
            headers: { "Content-Type": "application/xml; charset=utf-8" },
            data: `<?xml version="1.0" encoding="utf-8"?><D:propertyupdate xmlns:D="DAV:" xmlns:L="${NS}">` +
                  "<D:set><D:prop><L:project>lab</L:project></D:prop></D:set></D:propertyupdate>",
        });
        const text = await r.text();
        const st = propstats(text);
        if (r.status !== 207 || !st.some(x => / 200 /.test(x + " ")))
            throw new Error(`PROPPATCH ${r.status}: propstat ${st.join(", ") || "missing"}`);
    },
    readprop: async () => {
        const r = await client.customRequest("up.txt", {
            method: "PROPFIND",
            headers: { "Content-Type": "application/xml; charset=utf-8", Depth: "0" },
            data: `<?xml version="1.0" encoding="utf-8"?><D:propfind xmlns:D="DAV:" xmlns:L="${NS}">` +
                  "<D:prop><L:project/></D:prop></D:propfind>",
        });
        const text = await r.text();
        if (r.status !== 207 || !/>\s*lab\s*</.test(text))
            throw new Error(`PROPFIND ${r.status}: {${NS}}project not "lab" (propstat ${propstats(text).join(", ") || "missing"})`);
    },
    delete: async () => { await client.deleteFile("moved.txt"); },
};

if (!ops[op]) {
    process.stderr.write(`unknown operation ${op}\n`);
    process.exit(2);
}
try {
    await ops[op]();
    console.log(JSON.stringify({ op, ok: true, status: null, message: "" }));
} catch (e) {
    const status = e.status ?? e.response?.status ?? null;
    console.log(JSON.stringify({ op, ok: false, status, message: String(e.message ?? e) }));
}
