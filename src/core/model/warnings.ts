/** A lossy conversion says what it lost. */
export interface Warning {
  code: string;
  message: string;
}
