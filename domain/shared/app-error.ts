/**
 * An error with a stable machine-readable code (e.g. `PLAN.ILLEGAL_TRANSITION`). Only the
 * HTTP error handler maps codes to statuses; everything else matches on `code`.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const isAppError = (err: unknown): err is AppError => err instanceof AppError;
