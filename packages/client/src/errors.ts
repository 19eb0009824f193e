/** One invalid field of a refused request: `path` is a JSON pointer into the body (`/stages/2/algorithm`). */
export interface FieldError {
  path: string;
  message: string;
}

/** The RFC 9457 problem the registry answers every error with. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  requestId: string;
  errors?: FieldError[];
  errorsTruncated?: boolean;
}

/**
 * Every refusal the client meets, whatever the endpoint: the problem's members, and the
 * request id even when the answer was not a problem (a proxy's page), so a report can always
 * name the request.
 */
export class RegistryError extends Error {
  override readonly name = "RegistryError";
  readonly status: number;
  readonly type: string;
  readonly title: string;
  readonly detail: string;
  readonly errors: FieldError[];
  readonly requestId: string | null;

  constructor(problem: Partial<ProblemDetails> & { status: number }, requestId: string | null = problem.requestId ?? null) {
    const title = problem.title ?? `HTTP ${problem.status}`;
    super(problem.detail ? `${title}: ${problem.detail}` : title);
    this.status = problem.status;
    this.type = problem.type ?? "about:blank";
    this.title = title;
    this.detail = problem.detail ?? "";
    this.errors = problem.errors ?? [];
    this.requestId = requestId;
  }

  /** The error a response stands for: its problem when it has one, else its status line. */
  static async fromResponse(response: Response): Promise<RegistryError> {
    const requestId = response.headers.get("X-Request-Id");
    const text = await response.text().catch(() => "");
    let problem: Partial<ProblemDetails> = {};
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed !== null && typeof parsed === "object") problem = parsed as Partial<ProblemDetails>;
    } catch {
      // Not JSON: a gateway's or proxy's page, summed up by the status line.
    }
    return new RegistryError(
      { ...problem, status: response.status, title: problem.title ?? (response.statusText || `HTTP ${response.status}`) },
      problem.requestId ?? requestId,
    );
  }
}
