// still-reachable: blocks a root still points to at exit (never freed, but not lost): a config
// record registered with mm_register_root (the report's "config_t root"), and its two options.
import { struct, char, u32, ptr, MM_REG_STRUCT, XCALLOC, mm_register_root } from 'lmm-studio';

@struct
class option_t {
  @char(16) name!: string;
  @u32 value!: number;
  @ptr(() => option_t) next!: option_t | null;
}

@struct
class config_t {
  @u32 version!: number;
  @ptr(() => option_t) options!: option_t | null;
}

export default function main(): void {
  MM_REG_STRUCT(option_t);
  MM_REG_STRUCT(config_t);
  const config = XCALLOC(1, config_t); // like `static config_t *config` in the C program
  mm_register_root(config);
  config.version = 3;
  for (const [name, value] of [
    ['verbose', 1],
    ['depth', 8],
  ] as const) {
    const o = XCALLOC(1, option_t);
    o.name = name;
    o.value = value;
    o.next = config.options;
    config.options = o;
  }
}
