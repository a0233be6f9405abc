#!/usr/bin/env node
// Backstage's own verdict on catalog descriptor files: the oracle of tests/catalog/test_backstage_parity.py
// and bench/backstage.py. Usage: `node validate.js < files.json` (a JSON list of paths; stdin, because a
// 10,000-file tree is too long for a command line). Prints one JSON list: per YAML document of each file
// {file, index, kind, namespace, name, accepted, recognized, errors: [{stage, message, path}]}.
//
// What it mirrors, from @backstage/plugin-catalog-node and @backstage/plugin-catalog-backend:
// - parseEntityYaml: `yaml.parseAllDocuments(text)`; a document with errors is a YAML error; an empty
//   document (null) is ignored; anything else that is not a plain object is "Expected object at root".
// - PlaceholderProcessor: `$text`, `$json`, `$yaml` substitutions are resolved first (see substitute()).
// - CatalogBuilder.buildEntityPolicy: EntityPolicies.allOf([SchemaValidEntityPolicy,
//   DefaultNamespaceEntityPolicy, NoForeignRootFieldsEntityPolicy, FieldFormatEntityPolicy]), in that order;
//   the first policy that throws rejects the entity (one message, as the catalog logs it).
// - DefaultCatalogProcessingOrchestrator's validate step with BuiltinKindsEntityProcessor.validateEntityKind:
//   the kind validators (Component, Resource, System, API, Group, User, Domain, Location) are asked in turn;
//   one that throws rejects the entity, and an entity none accepts is rejected as "No processor recognized
//   the entity ... as valid, possibly caused by a foreign kind or apiVersion" (recognized: false; a
//   Scaffolder Template or a custom kind, which another processor would have to accept).
// `path` is where the error points in the document, as a list of keys and indices (null for YAML errors).
'use strict';

const fs = require('fs');
const path = require('path');
const yaml = require('yaml');
const {
  SchemaValidEntityPolicy, DefaultNamespaceEntityPolicy, NoForeignRootFieldsEntityPolicy,
  FieldFormatEntityPolicy, apiEntityV1alpha1Validator, componentEntityV1alpha1Validator,
  domainEntityV1alpha1Validator, groupEntityV1alpha1Validator, locationEntityV1alpha1Validator,
  resourceEntityV1alpha1Validator, systemEntityV1alpha1Validator, userEntityV1alpha1Validator,
} = require('@backstage/catalog-model');

const schemaPolicy = new SchemaValidEntityPolicy();
const policies = [schemaPolicy, new DefaultNamespaceEntityPolicy(), new NoForeignRootFieldsEntityPolicy(),
  new FieldFormatEntityPolicy()];
const kindValidators = [apiEntityV1alpha1Validator, componentEntityV1alpha1Validator,
  resourceEntityV1alpha1Validator, groupEntityV1alpha1Validator, locationEntityV1alpha1Validator,
  userEntityV1alpha1Validator, systemEntityV1alpha1Validator, domainEntityV1alpha1Validator];

// "/spec/owner" (+ the property a `required` or `additionalProperties` error names) -> ["spec", "owner"]
function ajvPath(instancePath, extra) {
  const parts = instancePath ? instancePath.split('/').slice(1).map(p => p.replace(/~1/g, '/').replace(/~0/g, '~')) : [];
  return extra === undefined ? parts : [...parts, extra];
}

// FieldFormatEntityPolicy names the field as `metadata.name`, `labels.KEY`, `tags.0`, `links.0.url`
function fieldPath(message) {
  const m = /^"([^"]+)" is not valid|^(\S+) (?:must have a value|could not be validated)/.exec(message);
  if (!m) return null;
  const field = m[1] || m[2];
  for (const prefix of ['labels.', 'annotations.']) {
    if (field.startsWith(prefix)) return ['metadata', prefix.slice(0, -1), field.slice(prefix.length)];
  }
  const parts = field.split('.').map(p => (/^\d+$/.test(p) ? Number(p) : p));
  return parts[0] === 'tags' || parts[0] === 'links' ? ['metadata', ...parts] : parts;
}

// a kind validator's TypeError: "/spec must have required property 'type' - missingProperty: type"
function kindPath(message) {
  const m = /^(\S+) .*?(?: - (.*))?$/.exec(message);
  if (!m) return null;
  const params = Object.fromEntries((m[2] || '').split(', ').map(kv => kv.split(': ')));
  return ajvPath(m[1] === '<root>' ? '' : m[1], params.missingProperty ?? params.additionalProperty);
}

// PlaceholderProcessor (preprocessing, before the policies): `{$text: path}`, `{$json: path}`, `{$yaml: path}`
// read relative to the descriptor; URLs are not fetched here (the test corpus has none), they reject.
function substitute(data, file) {
  if (Array.isArray(data)) return data.map(d => substitute(d, file));
  if (!data || typeof data !== 'object') return data;
  const keys = Object.keys(data);
  if (keys.length === 1 && ['$text', '$json', '$yaml'].includes(keys[0]) && typeof data[keys[0]] === 'string') {
    const target = data[keys[0]];
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) throw new Error(`Placeholder ${keys[0]} ${target} is a URL; not fetched`);
    const text = fs.readFileSync(path.resolve(path.dirname(file), target), 'utf8');
    return keys[0] === '$text' ? text : keys[0] === '$json' ? JSON.parse(text) : yaml.parse(text);
  }
  return Object.fromEntries(keys.map(k => [k, substitute(data[k], file)]));
}

async function verdict(entity) {
  let current = entity;
  for (const policy of policies) {
    try {
      current = await policy.enforce(current);
    } catch (e) {
      let path = null;
      if (policy === schemaPolicy) {
        const [err] = schemaPolicy.validate.errors || [];
        if (err) path = ajvPath(err.instancePath, err.params.missingProperty ?? err.params.additionalProperty);
      } else if (policy instanceof NoForeignRootFieldsEntityPolicy) {
        path = [String(e.message).replace(/^Unknown field /, '')];
      } else if (policy instanceof FieldFormatEntityPolicy) {
        path = fieldPath(String(e.message));
      }
      return { accepted: false, recognized: true, errors: [{ stage: policy.constructor.name, message: String(e.message), path }] };
    }
  }
  for (const validator of kindValidators) {
    try {
      if (await validator.check(current)) return { accepted: true, recognized: true, errors: [] };
    } catch (e) {
      return { accepted: false, recognized: true, errors: [{ stage: 'kind', message: String(e.message), path: kindPath(String(e.message)) }] };
    }
  }
  return { accepted: false, recognized: false, errors: [{ stage: 'kind', path: ['kind'], message:
    'No processor recognized the entity as valid, possibly caused by a foreign kind or apiVersion' }] };
}

async function main() {
  const files = JSON.parse(fs.readFileSync(0, 'utf8'));
  const out = [];
  for (const file of files) {
    let docs;
    try {
      docs = yaml.parseAllDocuments(fs.readFileSync(file, 'utf8'));
    } catch (e) {
      out.push({ file, index: null, accepted: false, recognized: true, errors: [{ stage: 'yaml', message: String(e), path: null }] });
      continue;
    }
    if (!Array.isArray(docs)) docs = [docs];  // an empty stream
    for (const [index, doc] of docs.entries()) {
      const row = { file, index, kind: null, namespace: null, name: null };
      if (doc.errors && doc.errors.length) {
        out.push({ ...row, accepted: false, recognized: true, errors: [{ stage: 'yaml', message: String(doc.errors[0]), path: null }] });
        continue;
      }
      const json = doc.toJSON();
      if (json === null) continue;
      if (typeof json !== 'object' || Array.isArray(json)) {
        out.push({ ...row, accepted: false, recognized: true, errors: [{ stage: 'yaml', message: `Expected object at root, got ${typeof json}`, path: [] }] });
        continue;
      }
      const meta = json.metadata && typeof json.metadata === 'object' ? json.metadata : {};
      const base = { ...row, kind: json.kind ?? null, namespace: meta.namespace ?? null, name: meta.name ?? null };
      let entity;
      try {
        entity = substitute(json, file);
      } catch (e) {
        out.push({ ...base, accepted: false, recognized: true, errors: [{ stage: 'placeholder', message: String(e.message || e), path: null }] });
        continue;
      }
      out.push({ ...base, ...(await verdict(entity)) });
    }
  }
  process.stdout.write(JSON.stringify(out));
}

main().catch(e => { process.stderr.write(`oracle: ${e && e.stack || e}\n`); process.exit(2); });
