// Decodes an Apache Arrow IPC *stream* (the file named by the first argument) with the apache-arrow npm package,
// an implementation independent of the .NET one that wrote it, and prints it as JSON:
// {"schema": [{name, type, nullable, unit?, timezone?}], "batches": [row counts], "rows": [{field: value}]}.
// Timestamps are printed as their raw integer (in the column's unit) and 64-bit integers as decimal text,
// so nothing is rounded on the way; a float -0 is printed as the text "-0" (JSON.stringify would print 0);
// lists become arrays; nulls stay null.
import { readFileSync } from 'node:fs';
import { RecordBatchReader, Type, TimeUnit } from 'apache-arrow';

const reader = RecordBatchReader.from(readFileSync(process.argv[2]));
reader.open();
if (!reader.isStream()) {
  throw new Error('not an Arrow IPC stream');
}

const fields = reader.schema.fields;
const schema = fields.map((f) => ({
  name: f.name,
  type: Type[f.type.typeId],
  nullable: f.nullable,
  ...(f.type.typeId === Type.Timestamp ? { unit: TimeUnit[f.type.unit], timezone: f.type.timezone } : {}),
  ...(f.type.typeId === Type.List ? { item: Type[f.type.children[0].type.typeId], itemNullable: f.type.children[0].nullable } : {}),
}));

function cell(type, vector, i) {
  if (!vector.isValid(i)) {
    return null;
  }

  switch (type.typeId) {
    case Type.Timestamp: {
      const data = vector.data[0];
      return data.values[data.offset + i].toString();
    }
    case Type.Int:
      return vector.get(i).toString();
    case Type.List:
      return [...vector.get(i)];
    case Type.Float: {
      const value = vector.get(i);
      return Object.is(value, -0) ? '-0' : value;
    }
    default:
      return vector.get(i);
  }
}

const batches = [];
const rows = [];
for (const batch of reader) {
  batches.push(batch.numRows);
  const columns = fields.map((f) => batch.getChild(f.name));
  for (let i = 0; i < batch.numRows; i++) {
    const row = {};
    fields.forEach((f, c) => { row[f.name] = cell(f.type, columns[c], i); });
    rows.push(row);
  }
}

process.stdout.write(JSON.stringify({ schema, batches, rows }));
