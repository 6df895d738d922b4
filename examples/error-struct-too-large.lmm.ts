// struct-too-large: a struct bigger than the VM page cannot be registered; allocating it then
// fails as an unregistered struct.
import { struct, array, u8, MM_REG_STRUCT, XCALLOC } from 'lmm-studio';

@struct
class image_t {
  @array(u8, 8192) pixels!: number[];
}

export default function main(): void {
  MM_REG_STRUCT(image_t);
  if (XCALLOC(1, image_t) !== null) throw new Error('expected null');
}
