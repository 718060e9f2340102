// Errors every part understands. Each part has its own subclass with a stable `code`; the API maps
// codes to HTTP statuses in one place (src/api/error-map.ts).

export class VigilError extends Error {
  readonly code: string;
  readonly details?: Record<string, unknown>;
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }
}

export class ConfigError extends VigilError {
  readonly issues: string[];
  constructor(issues: string[]) {
    super('CONFIG_INVALID', `invalid configuration:\n  - ${issues.join('\n  - ')}`);
    this.issues = issues;
  }
}
