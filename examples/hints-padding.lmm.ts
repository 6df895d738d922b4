// Hints: a struct whose field order wastes bytes on padding (reordering by alignment removes
// it), a struct size that strands bytes at the end of every page, and a site that allocates
// many short-lived blocks.
import {
  struct,
  char,
  u8,
  u16,
  u32,
  f64,
  u64,
  ptr,
  type Block,
  MM_REG_STRUCT,
  XCALLOC,
  XFREE,
  mm_register_root,
} from 'lmm-studio';

/** 1 + 7 pad + 8 + 1 + 7 pad + 8 + 2 + 6 pad = 40 bytes; sorted by alignment it needs 24. */
@struct
class sensor_t {
  @u8 active!: number;
  @f64 reading!: number;
  @u8 unit!: number;
  @u64 timestamp!: bigint;
  @u16 channel!: number;
}

/** 68 bytes: 35 fit a page, and the last 12 bytes of every page are stranded. */
@struct
class log_entry_t {
  @char(60) text!: string;
  @u32 level!: number;
  @u32 code!: number;
}

@struct
class station_t {
  @char(24) name!: string;
  @ptr(() => sensor_t) sensors!: Block<sensor_t> | null;
}

function sample(sensors: Block<sensor_t>, i: number): void {
  const s = sensors[i]!;
  s.active = 1;
  s.reading = 20 + i / 10;
  s.timestamp = BigInt(1_700_000_000 + i);
  s.channel = i;
}

export default function main(): void {
  MM_REG_STRUCT(sensor_t);
  MM_REG_STRUCT(log_entry_t);
  MM_REG_STRUCT(station_t);
  const station = XCALLOC(1, station_t);
  station.name = 'rooftop';
  station.sensors = XCALLOC(64, sensor_t);
  for (let i = 0; i < 64; i++) sample(station.sensors, i);
  mm_register_root(station);

  // A log kept for the whole run, and many short-lived scratch entries from one site.
  const kept: log_entry_t[] = [];
  for (let i = 0; i < 200; i++) {
    if (i % 4 === 0) {
      const entry = XCALLOC(1, log_entry_t);
      entry.text = `reading ${i}`;
      kept.push(entry);
    } else {
      const scratch = XCALLOC(1, log_entry_t); // short-lived: freed at the next heap step
      scratch.text = `reading ${i}`;
      XFREE(scratch);
    }
  }
  for (const entry of kept) XFREE(entry);
  XFREE(station.sensors);
  XFREE(station);
}
