import { useState } from "preact/hooks";
import { ApiError, apiSend, describeError } from "../api/client.ts";
import { useFormSubmit } from "../hooks/use-form-submit.ts";

/** Password sign-in, shown when the server is not on loopback. Users come from `lighttrace users create`. */
export function Login(props: { onSignedIn: () => void }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const { busy, error, onSubmit } = useFormSubmit((err) => (err instanceof ApiError && err.status === 401 ? err.message : describeError(err)));
  const submit = onSubmit(async () => {
    await apiSend("POST", "/api/0/auth/login/", { email, password });
    props.onSignedIn();
  });
  return (
    <main class="login-page">
      <form class="panel login" onSubmit={submit}>
        <h1><span class="brand-dot" aria-hidden="true" />LightTrace</h1>
        <label>Email
          <input type="email" name="email" autoComplete="username" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        </label>
        <label>Password
          <input type="password" name="password" autoComplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        </label>
        <button type="submit" class="primary" disabled={busy}>Sign in</button>
        {error && <p class="error-text" role="alert">{error}</p>}
        <p class="muted small">No account? Ask whoever runs this server for one (<code>lighttrace users create you@example.com</code>).</p>
      </form>
    </main>
  );
}
