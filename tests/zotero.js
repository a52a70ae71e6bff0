// Zotero's own import translators (RIS.js, BibTeX.js, CSL JSON.js of github.com/zotero/translators)
// run in Node on one file, with Zotero's own utilities (github.com/zotero/utilities) as the translation
// framework (github.com/zotero/translate) composes them: prints {detected, items}, whether the
// translator's detectImport() claims the file (as Zotero's File > Import does) and the items it makes.
// The Zotero code (AGPL-3) is vendored as test data under tests/data/zotero/ (README there); this file
// is the small part of the framework the translators need: Zotero.read, Zotero.Item#complete.
// Usage: node tests/zotero.js FILE 'RIS'|'BibTeX'|'CSL JSON'
'use strict'
const fs = require('fs')
const path = require('path')
const vm = require('vm')

const VENDOR = path.join(__dirname, 'data', 'zotero')
const UTILITIES = path.join(VENDOR, 'utilities')

// utilities.js wants XRegExp only for Unicode letter classes (\pL), which Node's RegExp has natively
// ('u' flag, \p{L}); vendoring xregexp-all.js (232 kB) for that is not worth it.
globalThis.XRegExp = Object.assign(
  (pattern, flags = '') => new RegExp(pattern.replace(/\\pL/g, '\\p{L}'), flags.includes('u') ? flags : flags + 'u'),
  { replace: (text, pattern, replacement) => text.replace(pattern, replacement) })

// The setup of zotero/utilities' test/init.js.
const Zotero = globalThis.Zotero = { locale: 'en-US', isNode: true, debug: () => {} }
Zotero.Schema = require(path.join(UTILITIES, 'schema'))
Zotero.Utilities = require(path.join(UTILITIES, 'utilities'))
Zotero.Utilities.Item = require(path.join(UTILITIES, 'utilities_item'))
Zotero.Date = require(path.join(UTILITIES, 'date'))
Zotero.Schema.init(fs.readFileSync(path.join(VENDOR, 'schema.json'), 'utf8'))
Zotero.Date.init(fs.readFileSync(path.join(UTILITIES, 'resource', 'dateFormats.json'), 'utf8'))
const CachedTypes = require(path.join(UTILITIES, 'cachedTypes'))
CachedTypes.setTypeSchema(require(path.join(UTILITIES, 'resource', 'zoteroTypeSchemaData')))
Object.assign(Zotero, CachedTypes)
const collator = new Intl.Collator(['en-US'], { numeric: true, sensitivity: 'base' })
Zotero.localeCompare = (a, b) => collator.compare(a, b)
Zotero.version = '7.0'

// Zotero.Utilities.Translate (zotero/translate src/utilities_translate.js): the utilities with the
// date and item functions added.
const ZU = Object.assign(Object.create(Zotero.Utilities), {
  formatDate: Zotero.Date.formatDate,
  strToDate: Zotero.Date.strToDate,
  strToISO: Zotero.Date.strToISO,
  itemTypeExists: Zotero.Utilities.Item.itemTypeExists,
  itemToCSLJSON: Zotero.Utilities.Item.itemToCSLJSON,
  itemFromCSLJSON: Zotero.Utilities.Item.itemFromCSLJSON,
  getVersion: () => Zotero.version,
  // The one substitution: Zotero decodes HTML with the browser's DOM (textContent), which Node has
  // not; tags dropped, numeric and XML entities decoded do the same on these files.
  unescapeHTML: text => text.indexOf('<') === -1 && text.indexOf('&') === -1 ? text
    : text.replace(/<[^>]*>/g, '')
      .replace(/&#x([0-9a-f]+);/gi, (_, hex) => String.fromCodePoint(parseInt(hex, 16)))
      .replace(/&#(\d+);/g, (_, decimal) => String.fromCodePoint(Number(decimal)))
      .replace(/&(lt|gt|quot|apos|nbsp);/g, (_, name) => ({ lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' })[name])
      .replace(/&amp;/g, '&').replace(/ {2,}/g, ' ')
})

const [file, translator] = process.argv.slice(2)
const text = fs.readFileSync(file, 'utf8')
const items = []

// Zotero.Translate.IO.String#read: a line without its end, or `bytes` characters; false at the end.
let offset = 0
function read (bytes) {
  if (offset >= text.length) return false
  if (bytes !== undefined) {
    offset += bytes
    return text.substr(offset - bytes, bytes)
  }
  const start = offset
  const lf = text.indexOf('\n', offset)
  if (lf === -1) {
    offset = text.length
    return text.slice(start)
  }
  offset = lf + 1
  return text.slice(start, lf > start && text[lf - 1] === '\r' ? lf - 1 : lf)
}

// Zotero.Translate.Sandbox.Base._itemDone, as far as it touches the data: empty values dropped,
// strings trimmed, creators without a name dropped.
function itemDone (item) {
  const done = {}
  for (const [key, value] of Object.entries(item)) {
    if (!value && value !== 0) continue
    done[key] = typeof value === 'string' ? value.trim() : value
  }
  done.creators = (done.creators || []).filter(creator => creator.firstName || creator.lastName)
  items.push(JSON.parse(JSON.stringify(done)))
}

class Item {
  constructor (itemType) {
    Object.assign(this, { itemType, creators: [], notes: [], tags: [], attachments: [], seeAlso: [] })
  }

  complete () { itemDone(this) }
}

const sandbox = {
  Item,
  Collection: class { complete () {} },
  Utilities: ZU,
  debug: () => {},
  read,
  write: () => {},
  getHiddenPref: () => undefined,
  getOption: () => undefined,
  setProgress: () => {},
  parentTranslator: undefined,
}
const code = fs.readFileSync(path.join(VENDOR, 'translators', `${translator}.js`), 'utf8')
const body = code.slice(code.indexOf('\n}\n') + 3).split('/** BEGIN TEST CASES **/')[0]  // less the header
const context = vm.createContext({ Zotero: sandbox, Z: sandbox, ZU, console })
vm.runInContext(body, context)

async function main () {
  const detected = Boolean(await vm.runInContext('detectImport()', context))
  offset = 0
  await vm.runInContext('doImport()', context)
  process.stdout.write(JSON.stringify({ detected, items }))
}
main().catch(error => { console.error(error); process.exit(1) })
