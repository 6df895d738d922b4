/**
 * The harness's layouts against the C compiler's: a corpus of structs written twice (C and
 * harness decorators), compiled into a program that prints sizeof, _Alignof, offsetof and, for
 * bit-fields, where their bits are; every number must equal the harness's.
 */
import { strict as assert } from 'node:assert';
import { layoutOf, structInfo } from '../../../src/harness/api/structLayout';
import { BITS_OF_C, compileAndRun, compilerOrSkip } from '../../support/cCompiler';
import { inProcessHarness } from '../../support/inProcessHarness';

interface CorpusEntry {
  /** `struct x` / `union x` as C names it. */
  c: string;
  /** The C definition. */
  source: string;
  cls: object;
  /** C member designators for harness fields whose C member is anonymous or nested. */
  cMember?: Record<string, string>;
}

describe('harness layouts equal the C compiler’s (x86-64)', function () {
  this.timeout(60_000);
  const { lmm } = inProcessHarness();
  const {
    struct,
    union,
    aligned,
    packed,
    bits,
    cenum,
    field,
    array,
    ptr,
    char,
    u8,
    u16,
    u32,
    u64,
    i8,
    i16,
    i32,
    i64,
    f32,
    f64,
    i128,
    u128,
    f80,
  } = lmm;
  const color = cenum({ RED: 0, GREEN: 1, BLUE: 2 });
  const big = cenum({ SMALL: 1, HUGE: 2 ** 40 });
  const negative = cenum({ MINUS: -1, PLUS: 1 });
  const wideNegative = cenum({ LOW: -(2n ** 40n), HIGH: 1n });
  const corpus: CorpusEntry[] = [];
  const add = (c: string, source: string, cls: object, cMember?: Record<string, string>) =>
    corpus.push({ c, source, cls, ...(cMember ? { cMember } : {}) });

  @struct
  class iphdr_t {
    @bits(u8, 4) ihl!: number;
    @bits(u8, 4) version!: number;
    @u8 tos!: number;
    @u16 tot_len!: number;
    @u16 id!: number;
    @u16 frag_off!: number;
    @u8 ttl!: number;
    @u8 protocol!: number;
    @u16 check!: number;
    @u32 saddr!: number;
    @u32 daddr!: number;
  }
  add(
    'struct iphdr_t',
    'struct iphdr_t { unsigned int ihl:4; unsigned int version:4; unsigned char tos; unsigned short tot_len, id, frag_off; unsigned char ttl, protocol; unsigned short check; unsigned int saddr, daddr; };',
    iphdr_t,
  );
  @struct
  class tcphdr_t {
    @u16 source!: number;
    @u16 dest!: number;
    @u32 seq!: number;
    @u32 ack_seq!: number;
    @bits(u16, 4) res1!: number;
    @bits(u16, 4) doff!: number;
    @bits(u16, 1) fin!: number;
    @bits(u16, 1) syn!: number;
    @bits(u16, 1) rst!: number;
    @bits(u16, 1) psh!: number;
    @bits(u16, 1) ack!: number;
    @bits(u16, 1) urg!: number;
    @bits(u16, 2) res2!: number;
    @u16 window!: number;
    @u16 check!: number;
    @u16 urg_ptr!: number;
  }
  add(
    'struct tcphdr_t',
    'struct tcphdr_t { unsigned short source, dest; unsigned int seq, ack_seq; unsigned short res1:4, doff:4, fin:1, syn:1, rst:1, psh:1, ack:1, urg:1, res2:2; unsigned short window, check, urg_ptr; };',
    tcphdr_t,
  );
  @struct
  class straddle_t {
    @i8 a!: number;
    @bits(i32, 30) x!: number;
    @bits(i32, 4) y!: number;
    @bits(i64, 40) z!: bigint;
    @bits(u8, 3) w!: number;
    @i8 tail!: number;
  }
  add(
    'struct straddle_t',
    'struct straddle_t { signed char a; int x:30; int y:4; long z:40; unsigned char w:3; signed char tail; };',
    straddle_t,
  );
  @struct({ packed: true })
  class packed_bits_t {
    @u8 a!: number;
    @bits(i32, 30) x!: number;
    @bits(u32, 4) y!: number;
    @i64 z!: bigint;
  }
  add(
    'struct packed_bits_t',
    'struct __attribute__((packed)) packed_bits_t { unsigned char a; int x:30; unsigned y:4; long z; };',
    packed_bits_t,
  );
  @struct
  class timeval_t {
    @i64 tv_sec!: bigint;
    @i64 tv_usec!: bigint;
  }
  add('struct timeval_t', 'struct timeval_t { long tv_sec; long tv_usec; };', timeval_t);

  // #pragma pack(N) around a definition is @struct({ pack: N }) (the C source carries the pragma).
  @struct({ pack: 1 })
  class bmp_header_t {
    @u16 type!: number;
    @u32 size!: number;
    @u16 reserved1!: number;
    @u16 reserved2!: number;
    @u32 offset!: number;
  }
  add(
    'struct bmp_header_t',
    '#pragma pack(push, 1)\nstruct bmp_header_t { unsigned short type; unsigned int size; unsigned short reserved1, reserved2; unsigned int offset; };\n#pragma pack(pop)',
    bmp_header_t,
  );
  @struct({ pack: 4 })
  class pack4_t {
    @u8 c!: number;
    @f64 d!: number;
    @aligned(16) @u16 capped!: number;
    @bits(u8, 7) a!: number;
    @bits(u8, 7) b!: number;
    @bits(u16, 9) s!: number;
    @bits(u64, 0) _zero!: bigint;
    @u8 after!: number;
    @i128 big!: bigint;
  }
  add(
    'struct pack4_t',
    '#pragma pack(push, 4)\nstruct pack4_t { unsigned char c; double d; unsigned short capped __attribute__((aligned(16))); unsigned char a:7, b:7; unsigned short s:9; unsigned long :0; unsigned char after; __int128 big; };\n#pragma pack(pop)',
    pack4_t,
  );
  @struct({ pack: 2, aligned: 8 })
  class pack2_raised_t {
    @u8 c!: number;
    @i64 l!: bigint;
  }
  add(
    'struct pack2_raised_t',
    '#pragma pack(push, 2)\nstruct __attribute__((aligned(8))) pack2_raised_t { char c; long l; };\n#pragma pack(pop)',
    pack2_raised_t,
  );
  @union({ pack: 2 })
  class pack2_union_t {
    @u8 c!: number;
    @i64 l!: bigint;
    @bits(i32, 5) b!: number;
  }
  add(
    'union pack2_union_t',
    '#pragma pack(push, 2)\nunion pack2_union_t { char c; long l; int b:5; };\n#pragma pack(pop)',
    pack2_union_t,
  );
  @struct
  class stat_t {
    @u64 st_dev!: bigint;
    @u64 st_ino!: bigint;
    @u64 st_nlink!: bigint;
    @u32 st_mode!: number;
    @u32 st_uid!: number;
    @u32 st_gid!: number;
    @i32 pad0!: number;
    @u64 st_rdev!: bigint;
    @i64 st_size!: bigint;
    @i64 st_blksize!: bigint;
    @i64 st_blocks!: bigint;
    @field(() => timeval_t) st_atim!: timeval_t;
    @field(() => timeval_t) st_mtim!: timeval_t;
    @field(() => timeval_t) st_ctim!: timeval_t;
    @array(i64, 3) reserved!: bigint[];
  }
  add(
    'struct stat_t',
    'struct stat_t { unsigned long st_dev, st_ino, st_nlink; unsigned st_mode, st_uid, st_gid; int pad0; unsigned long st_rdev; long st_size, st_blksize, st_blocks; struct timeval_t st_atim, st_mtim, st_ctim; long reserved[3]; };',
    stat_t,
  );
  @struct
  class point_t {
    @f64 x!: number;
    @f64 y!: number;
  }
  add('struct point_t', 'struct point_t { double x, y; };', point_t);
  @union
  class value_t {
    @i64 i!: bigint;
    @f64 d!: number;
    @char(12) bytes!: string;
    @field(() => point_t) p!: point_t;
    @bits(u32, 3) tag!: number;
  }
  add('union value_t', 'union value_t { long i; double d; char bytes[12]; struct point_t p; unsigned tag:3; };', value_t);
  @union
  class small_union_t {
    @u8 c!: number;
    @bits(i32, 3) x!: number;
  }
  add('union small_union_t', 'union small_union_t { unsigned char c; int x:3; };', small_union_t);
  @struct
  class tagged_t {
    @u8 kind!: number;
    @field(() => value_t) value!: value_t;
    @u16 after!: number;
  }
  add('struct tagged_t', 'struct tagged_t { unsigned char kind; union value_t value; unsigned short after; };', tagged_t);
  @struct({ aligned: 16 })
  class aligned_struct_t {
    @u8 a!: number;
  }
  add('struct aligned_struct_t', 'struct __attribute__((aligned(16))) aligned_struct_t { unsigned char a; };', aligned_struct_t);
  @struct
  class aligned_field_t {
    @u8 a!: number;
    @aligned(16) @u32 x!: number;
    @u32 @aligned(8) y!: number;
    @field(() => aligned_struct_t) s!: aligned_struct_t;
  }
  add(
    'struct aligned_field_t',
    'struct aligned_field_t { unsigned char a; unsigned x __attribute__((aligned(16))); unsigned y __attribute__((aligned(8))); struct aligned_struct_t s; };',
    aligned_field_t,
  );
  @struct({ packed: true })
  class packed_t {
    @u8 a!: number;
    @u32 x!: number;
    @aligned(4) @u16 y!: number;
    @field(() => aligned_struct_t) s!: aligned_struct_t;
    @f64 d!: number;
  }
  add(
    'struct packed_t',
    'struct __attribute__((packed)) packed_t { unsigned char a; unsigned x; unsigned short y __attribute__((aligned(4))); struct aligned_struct_t s; double d; };',
    packed_t,
  );
  @struct({ packed: true, aligned: 4 })
  class packed_aligned_t {
    @u8 a!: number;
    @u32 x!: number;
  }
  add(
    'struct packed_aligned_t',
    'struct __attribute__((packed, aligned(4))) packed_aligned_t { unsigned char a; unsigned x; };',
    packed_aligned_t,
  );
  @struct
  class packed_field_t {
    @u8 a!: number;
    @packed @u32 x!: number;
    @u8 b!: number;
  }
  add(
    'struct packed_field_t',
    'struct packed_field_t { unsigned char a; unsigned x __attribute__((packed)); unsigned char b; };',
    packed_field_t,
  );
  @struct
  class wide_t {
    @u8 a!: number;
    @f80 ld!: number;
    @i128 q!: bigint;
    @u8 b!: number;
    @u128 uq!: bigint;
    @f32 f!: number;
  }
  add(
    'struct wide_t',
    'struct wide_t { unsigned char a; long double ld; __int128 q; unsigned char b; unsigned __int128 uq; float f; };',
    wide_t,
  );
  @struct
  class enums_t {
    @u8 a!: number;
    @color c!: number;
    @u8 b!: number;
    @big g!: number;
    @negative n!: number;
    @wideNegative w!: bigint;
    @bits(color, 2) cb!: number;
    @array(color, 3) cs!: number[];
  }
  add(
    'struct enums_t',
    'enum color { RED, GREEN, BLUE }; enum big { SMALL = 1, HUGE = 1L << 40 }; enum negative { MINUS = -1, PLUS = 1 }; enum wide_negative { LOW = -(1L << 40), HIGH = 1 };\n' +
      'struct enums_t { unsigned char a; enum color c; unsigned char b; enum big g; enum negative n; enum wide_negative w; enum color cb:2; enum color cs[3]; };',
    enums_t,
  );
  @struct
  class flex_t {
    @u16 len!: number;
    @u8 kind!: number;
    @array(u32, 0) data!: number[];
  }
  add('struct flex_t', 'struct flex_t { unsigned short len; unsigned char kind; unsigned data[]; };', flex_t);
  @struct
  class node_t {
    @i64 key!: bigint;
    @ptr(() => node_t) left!: node_t | null;
    @array(() => point_t, 2) pts!: point_t[];
    @array(i16, 3) grid!: number[];
    @char(5) name!: string;
  }
  add(
    'struct node_t',
    'struct node_t { long key; struct node_t *left; struct point_t pts[2]; short grid[3]; char name[5]; };',
    node_t,
  );
  // Nested anonymous struct and union: the harness names them, C reaches their first member.
  @struct
  class anon_inner_t {
    @i32 w!: number;
    @i32 h!: number;
  }
  add('struct anon_inner_t', 'struct anon_inner_t { int w, h; };', anon_inner_t);
  @union
  class anon_union_t {
    @u8 small!: number;
    @f64 number_!: number;
  }
  add('union anon_union_t', 'union anon_union_t { unsigned char small; double number_; };', anon_union_t);
  @struct
  class with_anonymous_t {
    @u8 kind!: number;
    @field(() => anon_inner_t) size!: anon_inner_t;
    @field(() => anon_union_t) u!: anon_union_t;
    @bits(u32, 1) flag!: number;
    @bits(u32, 1) other!: number;
  }
  add(
    'struct with_anonymous_t',
    'struct with_anonymous_t { unsigned char kind; struct { int w, h; }; union { unsigned char small; double number_; }; unsigned flag:1; unsigned other:1; };',
    with_anonymous_t,
    { size: 'w', u: 'small' },
  );
  @union({ aligned: 16 })
  class aligned_union_t {
    @u8 c!: number;
    @u16 s!: number;
  }
  add(
    'union aligned_union_t',
    'union __attribute__((aligned(16))) aligned_union_t { unsigned char c; unsigned short s; };',
    aligned_union_t,
  );
  @struct
  class zero_width_t {
    @u8 a!: number;
    @bits(u32, 1) x!: number;
    @bits(u32, 0) _zero!: number;
    @u8 b!: number;
    @bits(u64, 3) y!: bigint;
    @i16 c!: number;
  }
  add(
    'struct zero_width_t',
    'struct zero_width_t { unsigned char a; unsigned x:1; unsigned :0; unsigned char b; unsigned long y:3; short c; };',
    zero_width_t,
  );

  // The README's example, as written there.
  @union
  class readme_value_t {
    @i64 i!: bigint;
    @f64 d!: number;
  }
  add('union readme_value_t', 'union readme_value_t { long i; double d; };', readme_value_t);
  @struct({ packed: true })
  class wire_t {
    @u8 tag!: number;
    @u32 len!: number;
  }
  add('struct wire_t', 'struct __attribute__((packed)) wire_t { unsigned char tag; unsigned len; };', wire_t);
  @struct({ aligned: 16 })
  class slot_t {
    @u8 used!: number;
  }
  add('struct slot_t', 'struct __attribute__((aligned(16))) slot_t { unsigned char used; };', slot_t);
  @struct
  class header_t {
    @bits(u8, 4) ihl!: number;
    @bits(u8, 4) version!: number;
    @bits(u32, 0) _next!: number;
    @aligned(8) @u16 id!: number;
    @packed @u32 seq!: number;
    @color c!: number;
    @i128 big!: bigint;
    @f80 precise!: number;
    @field(() => readme_value_t) v!: readme_value_t;
    @array(u8, 0) data!: number[];
  }
  add(
    'struct header_t',
    'struct header_t { unsigned char ihl:4, version:4; unsigned :0; unsigned short id __attribute__((aligned(8))); unsigned seq __attribute__((packed)); enum color c; __int128 big; long double precise; union readme_value_t v; unsigned char data[]; };',
    header_t,
  );

  // Real structs written by hand from the README's rules alone (their C as the headers have it, the
  // typedefs spelled out): the layouts a reader checks first against gcc.
  @struct
  class perf_attr_t {
    @u32 type!: number;
    @u32 size!: number;
    @u64 config!: bigint;
    @field(() => perf_sample_u) sample!: perf_sample_u;
    @u64 sample_type!: bigint;
    @bits(u64, 1) disabled!: bigint;
    @bits(u64, 1) inherit!: bigint;
    @bits(u64, 1) pinned!: bigint;
    @bits(u64, 35) middle!: bigint;
    @bits(u64, 26) reserved_1!: bigint;
    @field(() => perf_wakeup_u) wakeup!: perf_wakeup_u;
    @u32 bp_type!: number;
    @aligned(8) @u16 sample_max_stack!: number;
  }
  @union
  class perf_sample_u {
    @u64 sample_period!: bigint;
    @u64 sample_freq!: bigint;
  }
  @union
  class perf_wakeup_u {
    @u32 wakeup_events!: number;
    @u32 wakeup_watermark!: number;
  }
  add(
    'struct perf_attr_t',
    'typedef unsigned long long u64_aligned8 __attribute__((aligned(8)));\n' +
      'struct perf_attr_t { unsigned type, size; unsigned long long config; union { unsigned long long sample_period, sample_freq; }; unsigned long long sample_type;\n' +
      '  unsigned long long disabled:1, inherit:1, pinned:1, middle:35, reserved_1:26; union { unsigned wakeup_events, wakeup_watermark; }; unsigned bp_type;\n' +
      '  unsigned short sample_max_stack __attribute__((aligned(8))); };',
    perf_attr_t,
    { sample: 'sample_period', wakeup: 'wakeup_events' },
  );
  @struct
  class kill_t {
    @i32 si_pid!: number;
    @u32 si_uid!: number;
  }
  @union
  class sigval_u {
    @i32 sival_int!: number;
    @u64 sival_ptr!: bigint; // void *
  }
  @struct
  class timer_t_ {
    @i32 si_tid!: number;
    @i32 si_overrun!: number;
    @field(() => sigval_u) si_sigval!: sigval_u;
  }
  @union
  class sifields_u {
    @array(i32, 28) pad!: number[];
    @field(() => kill_t) kill!: kill_t;
    @field(() => timer_t_) timer!: timer_t_;
  }
  @struct
  class siginfo_like_t {
    @i32 si_signo!: number;
    @i32 si_errno!: number;
    @i32 si_code!: number;
    @i32 pad0!: number;
    @field(() => sifields_u) sifields!: sifields_u;
  }
  add(
    'struct siginfo_like_t',
    'union sigval_u { int sival_int; void *sival_ptr; };\n' +
      'struct siginfo_like_t { int si_signo, si_errno, si_code; int pad0; union { int pad[28]; struct { int si_pid; unsigned si_uid; } kill; struct { int si_tid, si_overrun; union sigval_u si_sigval; } timer; } sifields; };',
    siginfo_like_t,
  );
  @union
  class epoll_data_u {
    @u64 ptr!: bigint; // void *
    @i32 fd!: number;
    @u32 u32!: number;
    @u64 u64!: bigint;
  }
  @struct({ packed: true })
  class epoll_event_t {
    @u32 events!: number;
    @field(() => epoll_data_u) data!: epoll_data_u;
  }
  add(
    'struct epoll_event_t',
    'typedef union epoll_data_u { void *ptr; int fd; unsigned u32; unsigned long long u64; } epoll_data_u;\n' +
      'struct epoll_event_t { unsigned events; epoll_data_u data; } __attribute__((__packed__));',
    epoll_event_t,
  );
  @struct({ pack: 1 })
  class bmp_file_header_t {
    @u16 type!: number;
    @u32 size!: number;
    @u16 reserved1!: number;
    @u16 reserved2!: number;
    @u32 offset!: number;
  }
  add(
    'struct bmp_file_header_t',
    '#pragma pack(push, 1)\nstruct bmp_file_header_t { unsigned short type; unsigned size; unsigned short reserved1, reserved2; unsigned offset; };\n#pragma pack(pop)',
    bmp_file_header_t,
  );
  @struct
  class ip6_hdrctl_t {
    @u32 flow!: number;
    @u16 plen!: number;
    @u8 nxt!: number;
    @u8 hlim!: number;
  }
  @union
  class ip6_ctlun_u {
    @field(() => ip6_hdrctl_t) un1!: ip6_hdrctl_t;
    @u8 un2_vfc!: number;
  }
  @union
  class in6_addr_u {
    @array(u8, 16) u6_addr8!: number[];
    @array(u16, 8) u6_addr16!: number[];
    @array(u32, 4) u6_addr32!: number[];
  }
  @struct
  class ip6_hdr_t {
    @field(() => ip6_ctlun_u) ctlun!: ip6_ctlun_u;
    @array(() => in6_addr_u, 2) addrs!: in6_addr_u[];
  }
  add(
    'struct ip6_hdr_t',
    'union in6_addr_u { unsigned char u6_addr8[16]; unsigned short u6_addr16[8]; unsigned u6_addr32[4]; };\n' +
      'struct ip6_hdr_t { union { struct ip6_hdrctl_t { unsigned flow; unsigned short plen; unsigned char nxt, hlim; } un1; unsigned char un2_vfc; } ctlun; union in6_addr_u addrs[2]; };',
    ip6_hdr_t,
  );
  @struct
  class boundary_bits_t {
    @bits(u32, 7) a!: number;
    @bits(u32, 30) b!: number;
    @bits(u64, 40) c!: bigint;
    @bits(u8, 3) d!: number;
    @bits(u16, 15) e!: number;
    @bits(i64, 60) f!: bigint;
    @bits(u8, 1) flag!: number;
  }
  add(
    'struct boundary_bits_t',
    'struct boundary_bits_t { unsigned a:7, b:30; unsigned long long c:40; unsigned char d:3; unsigned short e:15; long f:60; _Bool flag:1; };',
    boundary_bits_t,
  );
  @struct
  class reg_fields_t {
    @bits(u32, 12) lo!: number;
    @bits(u32, 12) mid!: number;
    @bits(u32, 8) hi!: number;
  }
  @union
  class reg_u {
    @u32 raw!: number;
    @field(() => reg_fields_t) f!: reg_fields_t;
    @bits(u16, 9) low9!: number;
  }
  add(
    'union reg_u',
    'union reg_u { unsigned raw; struct reg_fields_t { unsigned lo:12, mid:12, hi:8; } f; unsigned short low9:9; };',
    reg_u,
  );
  @struct
  class sample_t {
    @char(7) tag!: string;
    @f64 d!: number;
    @char(13) name!: string;
    @f80 ld!: number;
    @u8 ok!: number;
    @array(u8, 3) odd!: number[];
    @f32 f!: number;
  }
  add(
    'struct sample_t',
    'struct sample_t { char tag[7]; double d; char name[13]; long double ld; _Bool ok; unsigned char odd[3]; float f; };',
    sample_t,
  );
  const bigFlags = cenum({ BF_A: 1n, BF_TOP: 2n ** 63n });
  const smallFlags = cenum({ SF_A: 1, SF_B: 2 ** 31 });
  @struct
  class flagged_t {
    @u8 kind!: number;
    @bigFlags flags!: bigint;
    @u8 more!: number;
    @smallFlags small!: number;
    @u8 last!: number;
  }
  add(
    'struct flagged_t',
    'enum big_flags { BF_A = 1, BF_TOP = 0x8000000000000000ULL }; enum small_flags { SF_A = 1, SF_B = 0x80000000u };\n' +
      'struct flagged_t { unsigned char kind; enum big_flags flags; unsigned char more; enum small_flags small; unsigned char last; };',
    flagged_t,
  );
  @struct
  class file_ops_t {
    @u64 open!: bigint; // int (*open)(const char *)
    @char(3) name!: string;
    @u64 close!: bigint; // void (*close)(int)
    @array(u64, 2) hooks!: bigint[]; // void (*hooks[2])(void)
    @u16 version!: number;
  }
  add(
    'struct file_ops_t',
    'typedef void (*hook_fn)(void);\nstruct file_ops_t { int (*open)(const char *); char name[3]; void (*close)(int); hook_fn hooks[2]; unsigned short version; };',
    file_ops_t,
  );
  @struct({ packed: true, aligned: 8 })
  class packed_mix_t {
    @i8 c!: number;
    @aligned(2) @i32 i!: number;
    @i16 s!: number;
    @f64 d!: number;
  }
  add(
    'struct packed_mix_t',
    'struct __attribute__((packed)) packed_mix_t { char c; int i __attribute__((aligned(2))); short s; double d; } __attribute__((aligned(8)));',
    packed_mix_t,
  );
  @struct
  class fpxreg_t {
    @array(u16, 4) significand!: number[];
    @u16 exponent!: number;
    @array(u16, 3) reserved1!: number[];
  }
  @struct
  class fpstate_t {
    @u16 cwd!: number;
    @u16 swd!: number;
    @u16 ftw!: number;
    @u16 fop!: number;
    @u64 rip!: bigint;
    @u64 rdp!: bigint;
    @u32 mxcsr!: number;
    @u32 mxcr_mask!: number;
    @array(() => fpxreg_t, 8) st!: fpxreg_t[];
    @array(u32, 16 * 4) xmm!: number[];
    @array(u32, 24) reserved!: number[];
  }
  add(
    'struct fpstate_t',
    'struct fpxreg_t { unsigned short significand[4]; unsigned short exponent; unsigned short reserved1[3]; };\n' +
      'struct fpstate_t { unsigned short cwd, swd, ftw, fop; unsigned long rip, rdp; unsigned mxcsr, mxcr_mask; struct fpxreg_t st[8]; struct { unsigned element[4]; } xmm[16]; unsigned reserved[24]; };',
    fpstate_t,
    { xmm: 'xmm' },
  );
  @struct
  class cacheline_t {
    @u8 tag!: number;
    @aligned(64) @i64 counter!: bigint;
    @i8 pad!: number;
    @i32 atomic_count!: number;
    @i64 atomic_big!: bigint;
  }
  add(
    'struct cacheline_t',
    'struct cacheline_t { unsigned char tag; _Alignas(64) long counter; char pad; _Atomic int atomic_count; _Atomic(long long) atomic_big; };',
    cacheline_t,
  );
  @struct
  class vector_t {
    @i8 c!: number;
    @aligned(16) @array(f32, 4) v!: number[];
    @i128 wide!: bigint;
    @u8 tail!: number;
  }
  add(
    'struct vector_t',
    'typedef float v4sf __attribute__((vector_size(16)));\nstruct vector_t { char c; v4sf v; __extension__ __int128 wide; unsigned char tail; };',
    vector_t,
  );
  @struct({ pack: 2 })
  class pack2_bits_t {
    @i8 a!: number;
    @bits(i32, 20) b!: number;
    @bits(i32, 20) c!: number;
    @bits(i32, 0) z!: number;
    @i64 d!: bigint;
    @u8 e!: number;
  }
  add(
    'struct pack2_bits_t',
    '#pragma pack(2)\nstruct pack2_bits_t { char a; int b:20; int c:20; int :0; long d; unsigned char e; };\n#pragma pack()',
    pack2_bits_t,
  );
  @struct
  class termios_t {
    @u32 c_iflag!: number;
    @u32 c_oflag!: number;
    @u32 c_cflag!: number;
    @u32 c_lflag!: number;
    @u8 c_line!: number;
    @array(u8, 32) c_cc!: number[];
    @u32 c_ispeed!: number;
    @u32 c_ospeed!: number;
  }
  add(
    'struct termios_t',
    'struct termios_t { unsigned c_iflag, c_oflag, c_cflag, c_lflag; unsigned char c_line; unsigned char c_cc[32]; unsigned c_ispeed, c_ospeed; };',
    termios_t,
  );
  @struct
  class sembuf_t {
    @u16 sem_num!: number;
    @i16 sem_op!: number;
    @i16 sem_flg!: number;
  }
  add('struct sembuf_t', 'struct sembuf_t { unsigned short sem_num; short sem_op; short sem_flg; };', sembuf_t);
  @struct
  class small_enum_t {
    @u8 state!: number; // enum __attribute__((packed)) state: its values fit a byte
    @i8 mode!: number; // int __attribute__((mode(QI)))
    @u16 wide!: number; // enum __attribute__((packed)) with a value above 255
    @bits(u8, 3) level!: number;
  }
  add(
    'struct small_enum_t',
    'enum __attribute__((packed)) state_e { S_IDLE, S_BUSY = 200 }; enum __attribute__((packed)) wide_e { W_A, W_B = 300 };\n' +
      'typedef int qi_int __attribute__((mode(QI)));\n' +
      'struct small_enum_t { enum state_e state; qi_int mode; enum wide_e wide; unsigned char level:3; };',
    small_enum_t,
  );

  it(`matches sizeof, _Alignof, offsetof and bit positions for ${corpus.length} structs and unions`, function () {
    const cc = compilerOrSkip(this);
    const lines = ['#include <stdio.h>', '#include <stddef.h>', '#include <string.h>'];
    for (const entry of corpus) lines.push(entry.source);
    lines.push(...BITS_OF_C, 'int main(void) {');
    const expected: string[] = [];
    for (const entry of corpus) {
      const info = structInfo(entry.cls)!;
      const layout = layoutOf(info);
      lines.push(`  printf("${entry.c} size %zu align %zu\\n", sizeof(${entry.c}), _Alignof(${entry.c}));`);
      expected.push(`${entry.c} size ${layout.size} align ${layout.align}`);
      for (const f of layout.fields) {
        const member = entry.cMember?.[f.name] ?? f.name;
        const label = `${entry.c}.${f.name}`;
        // A zero-width bit-field has no C member to ask about: the next member's offset shows its effect.
        if (f.fieldType.kind === 'bits' && f.fieldType.width === 0) continue;
        if (f.fieldType.kind === 'bits') {
          lines.push(
            `  { ${entry.c} v; memset(&v, 0, sizeof v); v.${member} = -1; bitsOf((const unsigned char *)&v, sizeof v, "${label}"); }`,
          );
          expected.push(`${label} bits ${f.bitOffset} ${f.fieldType.width}`);
        } else {
          lines.push(`  printf("${label} offset %zu\\n", offsetof(${entry.c}, ${member}));`);
          expected.push(`${label} offset ${f.offset}`);
        }
      }
    }
    lines.push('  return 0;', '}');
    assert.deepEqual(expected, compileAndRun(cc, lines));
  });
});
