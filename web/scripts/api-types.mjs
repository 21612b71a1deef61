// Writes TypeScript types for every schema of coderoom's OpenAPI document, so that the web app
// reads the API through the server's own types (src/api/generated.ts).
//
//   node scripts/api-types.mjs openapi.json > src/api/generated.ts
//
// It understands the subset of JSON Schema 2020-12 the server's generator emits: objects with
// required properties, maps, arrays and tuples (`prefixItems`), string enums, nullable types (`type: [T, "null"]`),
// `oneOf`/`anyOf`/`allOf`, `$ref` and `const`. Anything else fails loudly rather than guessing.
import { readFileSync } from 'node:fs'

const [file] = process.argv.slice(2)
if (!file) {
  console.error('usage: node scripts/api-types.mjs OPENAPI.json')
  process.exit(2)
}
const document = JSON.parse(readFileSync(file, 'utf8'))
const schemas = document.components?.schemas ?? {}

const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/
const refName = (ref) => {
  const prefix = '#/components/schemas/'
  if (!ref.startsWith(prefix)) throw new Error(`unsupported $ref ${ref}`)
  return ref.slice(prefix.length)
}

const SCALARS = { string: 'string', integer: 'number', number: 'number', boolean: 'boolean', null: 'null' }

function comment(text, indent) {
  if (!text) return ''
  const lines = text.trim().split('\n')
  if (lines.length === 1) return `${indent}/** ${lines[0].replaceAll('*/', '* /')} */\n`
  return `${indent}/**\n${lines.map((line) => `${indent} * ${line.replaceAll('*/', '* /')}`.trimEnd()).join('\n')}\n${indent} */\n`
}

function union(parts) {
  const unique = [...new Set(parts)]
  return unique.length === 1 ? unique[0] : unique.map((part) => (part.includes('=>') ? `(${part})` : part)).join(' | ')
}

// Keys that say nothing about the shape of a value.
const ANNOTATIONS = new Set(['description', 'title', 'examples', 'example', 'default', 'deprecated', 'format'])

function typeOf(schema, indent) {
  if (schema === true || schema === undefined || Object.keys(schema).every((key) => ANNOTATIONS.has(key))) return 'unknown'
  if (schema.$ref) return refName(schema.$ref)
  if ('const' in schema) return JSON.stringify(schema.const)
  if (schema.enum) return union(schema.enum.map((value) => JSON.stringify(value)))
  if (schema.oneOf || schema.anyOf) return union((schema.oneOf ?? schema.anyOf).map((part) => typeOf(part, indent)))
  if (schema.allOf) return schema.allOf.map((part) => wrap(typeOf(part, indent))).join(' & ')
  const types = Array.isArray(schema.type) ? schema.type : [schema.type]
  if (types.length > 1) return union(types.map((type) => typeOf({ ...schema, type }, indent)))
  const [type] = types
  if (type in SCALARS) return SCALARS[type]
  if (type === 'array' && schema.prefixItems) {
    const items = schema.prefixItems.map((item) => typeOf(item, indent))
    return schema.items === false ? `[${items.join(', ')}]` : `[${items.join(', ')}, ...${wrap(typeOf(schema.items, indent))}[]]`
  }
  if (type === 'array') return `${wrap(typeOf(schema.items, indent))}[]`
  if (type === 'object' || schema.properties) return objectType(schema, indent)
  throw new Error(`unsupported schema ${JSON.stringify(schema)}`)
}

const wrap = (type) => (/[|&]/.test(type) && !type.startsWith('{') ? `(${type})` : type)

function objectType(schema, indent) {
  const properties = Object.entries(schema.properties ?? {})
  const extra = schema.additionalProperties
  if (properties.length === 0) {
    if (extra && extra !== true) return `Record<string, ${typeOf(extra, indent)}>`
    return 'Record<string, unknown>'
  }
  const required = new Set(schema.required ?? [])
  const inner = `${indent}  `
  const lines = properties.map(([name, property]) => {
    const key = identifier.test(name) ? name : JSON.stringify(name)
    const optional = required.has(name) ? '' : '?'
    return `${comment(property.description, inner)}${inner}${key}${optional}: ${typeOf(property, inner)}`
  })
  if (extra && extra !== true) lines.push(`${inner}[key: string]: ${typeOf(extra, inner)}`)
  return `{\n${lines.join('\n')}\n${indent}}`
}

let out =
  '// Generated from the server\'s OpenAPI document by web/scripts/api-types.mjs; do not edit.\n' +
  '// Regenerate with scripts/api-types.sh after changing an API type in the server.\n'
for (const [name, schema] of Object.entries(schemas).sort(([a], [b]) => a.localeCompare(b))) {
  out += `\n${comment(schema.description, '')}export type ${name} = ${typeOf(schema, '')}\n`
}
process.stdout.write(out)
