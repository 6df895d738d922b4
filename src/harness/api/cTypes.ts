/**
 * The C scalar types a harness field can have. The table itself is the analysis's (one table for
 * the importer, the decorators and the analyses); each name is also the field decorator of that
 * type (`@u32 rollno!: number`) and the element token of `@array(u32, 4)`.
 */
export { POINTER_SIZE, SCALARS, type ScalarInfo, type ScalarName } from '../../analysis/cScalars';
