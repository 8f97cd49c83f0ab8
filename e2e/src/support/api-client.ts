/** A tiny JSON client for API tests: bearer or cookie auth, status and parsed body. */
export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export class ApiClient {
  constructor(
    readonly baseUrl: string,
    readonly token?: string,
    private readonly cookie?: { session: string; csrf?: string },
  ) {}

  withToken(token: string): ApiClient {
    return new ApiClient(this.baseUrl, token);
  }

  async request<T = any>(
    method: string,
    path: string,
    body?: unknown,
    extraHeaders: Record<string, string> = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...extraHeaders };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (this.cookie) {
      headers.cookie = `rr_session=${this.cookie.session}`;
      if (this.cookie.csrf) headers['x-csrf-token'] = this.cookie.csrf;
    }
    const response = await fetch(this.baseUrl + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  }

  get<T = any>(path: string) {
    return this.request<T>('GET', path);
  }
  post<T = any>(path: string, body?: unknown) {
    return this.request<T>('POST', path, body ?? {});
  }
  patch<T = any>(path: string, body: unknown) {
    return this.request<T>('PATCH', path, body);
  }
  delete<T = any>(path: string) {
    return this.request<T>('DELETE', path);
  }

  /** Logs in and returns a bearer client (and the login response). */
  static async login(
    baseUrl: string,
    email: string,
    password: string,
  ): Promise<{ client: ApiClient; login: ApiResponse }> {
    const login = await new ApiClient(baseUrl).post('/api/v1/auth/login', { email, password, bearer: true });
    if (login.status !== 200)
      throw new Error(`login as ${email} failed: ${login.status} ${JSON.stringify(login.body)}`);
    return { client: new ApiClient(baseUrl, login.body.accessToken), login };
  }

  static withCookie(baseUrl: string, session: string, csrf?: string): ApiClient {
    return new ApiClient(baseUrl, undefined, { session, csrf });
  }
}
