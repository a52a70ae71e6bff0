// Zotero's own import translator (RIS.js or BibTeX.js from github.com/zotero/translators) run in Node
// on one file: the items Zotero would make, as JSON on stdout. The translators (AGPL) and Zotero's
// schema.json (github.com/zotero/zotero-schema) are not shipped: ZOTERO_TRANSLATORS names a folder
// holding RIS.js, BibTeX.js and schema.json (tests/test_zotero.py skips without it).
// Usage: node tests/zotero.js FILE RIS|BibTeX
const fs = require('fs')
const path = require('path')
const vm = require('vm')

const [file, translator] = process.argv.slice(2)
const folder = process.env.ZOTERO_TRANSLATORS
const schema = JSON.parse(fs.readFileSync(path.join(folder, 'schema.json'), 'utf8'))
const fields = {}  // item type -> its fields, base fields included (as Zotero checks them)
for (const type of schema.itemTypes) {
  fields[type.itemType] = new Set(type.fields.flatMap(f => [f.field, f.baseField].filter(Boolean)))
}

const lines = fs.readFileSync(file, 'utf8').split(/\r?\n/)
let position = 0
const items = []
const months = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']

class Item {
  constructor (itemType) {
    Object.assign(this, { itemType, creators: [], notes: [], tags: [], attachments: [], seeAlso: [] })
  }
  complete () { items.push(JSON.parse(JSON.stringify(this))) }
}

const utilities = {
  // The few Zotero.Utilities the translators call here, as Zotero defines them.
  fieldIsValidForType: (field, type) => Boolean(fields[type] && fields[type].has(field)),
  strToDate: text => {
    const found = /(\d{4})(?:[-/](\d{1,2}))?(?:[-/](\d{1,2}))?/.exec(text || '')
    if (!found) return {}
    return { year: found[1], month: found[2] ? Number(found[2]) - 1 : undefined, day: found[3] }
  },
  cleanDOI: text => { const found = /10\.\d{4,}\/\S+/.exec(text || ''); return found ? found[0] : false },
  deepCopy: value => JSON.parse(JSON.stringify(value)),
  unescapeHTML: text => text.replace(/<[^>]*>/g, '').replace(/&amp;/g, '&').replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>').replace(/&quot;/g, '"'),
  text2html: text => text,
  strToISO: text => {
    const date = utilities.strToDate(text)
    if (!date.year) return false
    return [date.year, date.month === undefined ? '' : String(date.month + 1).padStart(2, '0'),
      date.day ? String(date.day).padStart(2, '0') : ''].filter(Boolean).join('-')
  },
  formatDate: date => [date.year, date.month, date.day].filter(x => x !== undefined).join('-'),
  removeDiacritics: text => text.normalize('NFD').replace(/[\u0300-\u036f]/g, ''),
  getVersion: () => '7.0',
  trimInternal: text => text.replace(/\s+/g, ' ').trim(),
  trim: text => text.trim(),
  // zotero/utilities' cleanAuthor, less its clean-up of stray punctuation: "Last, First" at the
  // first comma, else the last word is the last name.
  cleanAuthor: (name, creatorType, useComma) => {
    name = name.replace(/\s+/g, ' ').trim()
    if (useComma && name.includes(',')) {
      const comma = name.indexOf(',')
      return { lastName: name.slice(0, comma).trim(), firstName: name.slice(comma + 1).trim(), creatorType }
    }
    const space = name.lastIndexOf(' ')
    return { lastName: name.slice(space + 1), firstName: space < 0 ? '' : name.slice(0, space), creatorType }
  },
  capitalizeTitle: text => text,
  itemTypeExists: type => type in fields,
  getCreatorsForType: type => (schema.itemTypes.find(t => t.itemType === type) || { creatorTypes: [] })
    .creatorTypes.map(c => c.creatorType),
  xpath: () => [],
  xpathText: () => null,
  monthAbbreviations: months,
}
const Zotero = {
  Item,
  Utilities: utilities,
  debug: () => {},
  read: () => position < lines.length ? lines[position++] : false,
  getHiddenPref: () => undefined,
  getOption: () => undefined,
  parentTranslator: undefined,
  setProgress: () => {},
}
// BibTeX.js reads characters (Zotero.read(1)); RIS.js lines.
const text = fs.readFileSync(file, 'utf8')
let offset = 0
if (translator === 'BibTeX') {
  Zotero.read = length => {
    if (offset >= text.length) return false
    const part = length ? text.substr(offset, length) : text.substr(offset)
    offset += part.length
    return part
  }
}
const code = fs.readFileSync(path.join(folder, `${translator}.js`), 'utf8')
const body = code.slice(code.indexOf('\n}\n') + 3).split('/** BEGIN TEST CASES **/')[0]
Zotero.Collection = class { complete () {} }
const context = vm.createContext({ Zotero, Z: Zotero, ZU: utilities, console })
vm.runInContext(body, context)
Promise.resolve(vm.runInContext('doImport()', context)).then(() => {
  process.stdout.write(JSON.stringify(items))
}, error => { console.error(error); process.exit(1) })
