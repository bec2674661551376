import { assertEquals } from "../../../tests/assert.ts";
import { DIAGNOSTIC_COLUMNS, OUTPUT_COLUMNS } from "../../protocol/record.ts";
import { STORED_COLUMNS } from "../../science/parameter_space.ts";
import {
  commitMatrix,
  commitRecordOf,
  commitRecordRow,
  diagnosticColumn,
  ROW_DATASETS,
  RUN_RECORD_COLUMNS,
} from "./schema.ts";

const RECORD = {
  commitIndex: 3,
  phase: 1,
  rows: 50,
  wallS: 2.5,
  writeS: 0.004,
  samplesPerS: 20,
  workerUtilisation: 0.93,
  peakRssMb: 412,
  elapsedS: 9.75,
};

Deno.test("commitRecordRow() writes each field under its RUN_RECORD_COLUMNS name", () => {
  const row = commitRecordRow(RECORD);
  assertEquals(row[RUN_RECORD_COLUMNS.indexOf("peak_rss_mb")], 412);
  assertEquals(row[RUN_RECORD_COLUMNS.indexOf("wall_s")], 2.5);
  assertEquals([...row], [3, 1, 50, 2.5, 0.004, 20, 0.93, 412, 9.75]);
  assertEquals(commitRecordOf(row), RECORD);
});

Deno.test("commitMatrix() stacks commit records row by row", () => {
  const m = commitMatrix([RECORD, { ...RECORD, commitIndex: 4 }]);
  assertEquals([m.n, m.columns.length, m.rows.length], [2, 9, 18]);
  assertEquals(m.rows[9], 4);
});

Deno.test("ROW_DATASETS: the 2-D datasets take their widths and columns from the tables", () => {
  const byName = Object.fromEntries(ROW_DATASETS.map((d) => [d.name, d]));
  assertEquals(byName.inputs.listAttribute?.values, STORED_COLUMNS);
  assertEquals(byName.inputs.width, STORED_COLUMNS.length);
  assertEquals(byName.outputs.width, OUTPUT_COLUMNS.length);
  assertEquals(byName.diagnostics.width, DIAGNOSTIC_COLUMNS.length);
  assertEquals(ROW_DATASETS.filter((d) => d.width > 0).map((d) => d.name), [
    "inputs",
    "outputs",
    "diagnostics",
  ]);
});

Deno.test("diagnosticColumn() picks a column by name and is NaN where it is missing", () => {
  const d = Float64Array.of(1, 2, 3, 4, 5, 6);
  assertEquals([...diagnosticColumn(d, ["a", "b", "c"], "b")], [2, 5]);
  assertEquals([...diagnosticColumn(d, ["a", "b", "c"], "z")], [NaN, NaN]);
});
