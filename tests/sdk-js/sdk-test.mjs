// Runs the official Files.com JavaScript SDK (npm "files.com", pinned in package.json) against a Gatehouse site,
// with only its base URL changed (CONTRACT §2). Usage: BASE_URL=http://acme.localhost:5080 API_KEY=… node sdk-test.mjs
// Exits 0 when every step passed; otherwise prints the failing step and exits 1.
import http from 'node:http'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { execFileSync } from 'node:child_process'
import Files from 'files.com/lib/Files.js'
import Api from 'files.com/lib/Api.js'
import User from 'files.com/lib/models/User.js'
import Group from 'files.com/lib/models/Group.js'
import GroupUser from 'files.com/lib/models/GroupUser.js'
import ApiKey from 'files.com/lib/models/ApiKey.js'
import PublicKey from 'files.com/lib/models/PublicKey.js'
import Session from 'files.com/lib/models/Session.js'

const { BASE_URL, API_KEY } = process.env
if (!BASE_URL || !API_KEY) {
  console.error('Set BASE_URL (the site URL, e.g. http://acme.localhost:5080) and API_KEY (a site admin API key).')
  process.exit(2)
}

// Node's resolver does not know *.localhost, and the site is chosen by the Host header. The SDK fetches through
// cross-fetch → node-fetch → node:http with the global agent, so that agent connects every request to 127.0.0.1
// and leaves the URL (hence the Host header) alone. Node 20 asks with {all: true} when autoSelectFamily is on.
const loopback = (hostname, options, callback) => {
  const cb = typeof options === 'function' ? options : callback
  if (options?.all) cb(null, [{ address: '127.0.0.1', family: 4 }])
  else cb(null, '127.0.0.1', 4)
}
http.globalAgent = new http.Agent({ keepAlive: false, lookup: loopback })

Files.setBaseUrl(BASE_URL)
Files.setApiKey(API_KEY)
Files.configureNetwork({ maxNetworkRetries: 0, networkTimeout: 30 })

const run = Date.now().toString(36) + crypto.randomBytes(2).toString('hex')
const password = 'Sdk-Test-Pass-0123'
let current = ''

function assert(condition, message) {
  if (!condition) throw new Error(`assertion failed: ${message}`)
}

async function step(name, fn) {
  current = name
  const result = await fn()
  console.log(`ok   ${name}`)
  return result
}

async function expectFailure(name, fn, status) {
  try {
    await fn()
  } catch (e) {
    const code = e.httpCode ?? e.code
    assert(code === status, `${name}: expected HTTP ${status}, got ${code} (${e.message})`)
    return
  }
  throw new Error(`${name}: expected HTTP ${status}, but the call succeeded`)
}

/** An OpenSSH ed25519 public key line: from ssh-keygen when present, else built with node:crypto (RFC 8709). */
function ed25519Line() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gh-sdk-'))
  try {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `sdk-${run}`, '-f', path.join(dir, 'k')], { stdio: 'ignore' })
    return fs.readFileSync(path.join(dir, 'k.pub'), 'utf8').trim()
  } catch {
    const { publicKey } = crypto.generateKeyPairSync('ed25519')
    const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x, 'base64url')
    return `ssh-ed25519 ${Buffer.concat([lengthPrefixed(Buffer.from('ssh-ed25519')), lengthPrefixed(raw)]).toString('base64')} sdk-${run}`
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

function lengthPrefixed(b) {
  const len = Buffer.alloc(4)
  len.writeUInt32BE(b.length)
  return Buffer.concat([len, b])
}

function sha256Fingerprint(line) {
  const blob = Buffer.from(line.split(/\s+/)[1], 'base64')
  return crypto.createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')
}

async function main() {
  const users = await step('create 3 users', async () => {
    const made = []
    for (let i = 1; i <= 3; i++) {
      const u = await User.create({ username: `sdk-${run}-${i}`, password, name: `SDK ${i}` })
      assert(u.id > 0 && u.username === `sdk-${run}-${i}`, `created user ${i}`)
      made.push(u)
    }
    return made
  })
  const ids = users.map(u => u.id)

  await step('list users per_page=2 (SDK auto-pagination over X-Files-Cursor)', async () => {
    const all = await User.list({ per_page: 2 })
    const seen = all.map(u => u.id)
    for (const id of ids) assert(seen.includes(id), `user ${id} in auto-paginated list of ${seen.length}`)
    assert(new Set(seen).size === seen.length, 'no user listed twice')
  })

  await step('list users per_page=2 (manual cursor)', async () => {
    const seen = []
    let cursor
    let pages = 0
    do {
      const params = cursor ? { per_page: 2, cursor } : { per_page: 2 }
      const response = await Api.sendRequest('/users', 'GET', params, { autoPaginate: false })
      assert(response.data.length <= 2, 'page holds at most per_page users')
      seen.push(...response.data.map(u => u.id))
      cursor = response.headers['x-files-cursor']
      pages++
    } while (cursor && pages < 50)
    assert(pages >= 2, `more than one page (${pages})`)
    for (const id of ids) assert(seen.includes(id), `user ${id} in manually paged list`)
    const firstPageOnly = await User.list({ per_page: 2 }, { autoPaginate: false })
    assert(firstPageOnly.length === 2, 'autoPaginate:false returns one page')
  })

  await step('update a user', async () => {
    const u = await User.find(ids[0])
    const updated = await u.update({ name: 'Renamed By SDK', company: 'Gatehouse' })
    assert(updated.name === 'Renamed By SDK' && updated.company === 'Gatehouse', 'update returned the new fields')
    assert((await User.find(ids[0])).name === 'Renamed By SDK', 'update persisted')
  })

  const group = await step('create a group', async () => {
    const g = await Group.create({ name: `sdk-group-${run}`, notes: 'made by the SDK test', user_ids: `${ids[0]},${ids[1]}` })
    assert(g.id > 0 && g.user_ids === `${ids[0]},${ids[1]}`, `group members ${g.user_ids}`)
    return g
  })

  await step('list groups', async () => {
    const groups = await Group.list({ per_page: 1 })
    assert(groups.some(g => g.id === group.id), 'the new group is listed')
  })

  const membership = await step('create a group_user', async () => {
    const gu = await GroupUser.create({ group_id: group.id, user_id: ids[2], admin: true })
    assert(gu.group_id === group.id && gu.user_id === ids[2] && gu.admin === true, 'membership fields')
    const listed = await GroupUser.list({ group_id: group.id })
    assert(listed.length === 3, `group has 3 members (${listed.length})`)
    return gu
  })

  await step('delete the group_user', async () => {
    await membership.delete()
    const listed = await GroupUser.list({ group_id: group.id })
    assert(!listed.some(m => m.user_id === ids[2]), 'membership gone')
  })

  await step('delete the group', async () => {
    await group.delete()
    await expectFailure('find deleted group', () => Group.find(group.id), 404)
  })

  await step('create an API key (key returned once) and delete it', async () => {
    const created = await ApiKey.create({ user_id: ids[0], name: 'sdk key', permission_set: 'full' })
    assert(typeof created.key === 'string' && created.key.length > 20, 'key returned on create')
    const shown = await ApiKey.find(created.id)
    assert(shown.key === undefined || shown.key === null, 'key not returned again')
    const me = await User.find(ids[0], {}, { apiKey: created.key })
    assert(me.id === ids[0], 'the new key authenticates as its user')
    await created.delete()
    await expectFailure('use deleted key', () => User.find(ids[0], {}, { apiKey: created.key }), 401)
  })

  await step('create a public key (ed25519) and delete it', async () => {
    const line = ed25519Line()
    const created = await PublicKey.create({ user_id: ids[1], title: 'sdk laptop', public_key: line })
    assert(created.fingerprint_sha256 === sha256Fingerprint(line), 'fingerprint_sha256 matches the key')
    assert(/^([0-9a-f]{2}:){15}[0-9a-f]{2}$/.test(created.fingerprint), 'MD5 fingerprint')
    const listed = await PublicKey.list({ user_id: ids[1] })
    assert(listed.some(k => k.id === created.id), 'public key listed')
    await created.delete()
    assert(!(await PublicKey.list({ user_id: ids[1] })).some(k => k.id === created.id), 'public key gone')
  })

  await step('session: create with username/password, use, delete', async () => {
    const session = await Session.create({ username: users[2].username, password })
    assert(typeof session.id === 'string' && session.id.length > 20, 'session id returned')
    const viaOption = await User.find(ids[2], {}, { sessionId: session.id })
    assert(viaOption.id === ids[2], 'session works via per-request option')
    Files.setSessionId(session.id)
    try {
      const viaGlobal = await User.find(ids[2])
      assert(viaGlobal.id === ids[2], 'session works via Files.setSessionId')
      await Session.delete()
    } finally {
      Files.setSessionId(null)
    }
    await expectFailure('use ended session', () => User.find(ids[2], {}, { sessionId: session.id }), 401)
  })

  await step('delete the users', async () => {
    for (const u of users) await (await User.find(u.id)).delete()
    const left = (await User.list()).filter(u => ids.includes(u.id))
    assert(left.length === 0, 'users deleted')
  })
}

try {
  await main()
  console.log('all SDK steps passed')
} catch (e) {
  console.error(`FAILED step "${current}": ${e.message}`)
  if (e.type) console.error(`  type=${e.type} http=${e.httpCode} model-errors=${JSON.stringify(e.modelErrors)}`)
  if (e.stack && !e.type) console.error(e.stack)
  process.exit(1)
}
