// What citation-js (the npm packages in package.json) reads in one file: its CSL-JSON on stdout.
// Usage: node tests/citationjs.js FILE bibtex|ris|csljson
const fs = require('fs')
const { Cite, plugins } = require('@citation-js/core')
require('@citation-js/plugin-bibtex')
require('@citation-js/plugin-ris')
require('@citation-js/plugin-csl')

const [file, format] = process.argv.slice(2)
const text = fs.readFileSync(file, 'utf8')
const type = { bibtex: '@biblatex/text', ris: '@ris/file', csljson: '@csl/list+object' }[format]
const input = format === 'csljson' ? JSON.parse(text) : text
const items = plugins.input.chain(input, { forceType: type, generateGraph: false })
process.stdout.write(JSON.stringify(items))
