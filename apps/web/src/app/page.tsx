import { StatusBadge } from "./status-badge";

export default function HomePage() {
  return (
    <main className="shell">
      <header className="topbar">
        <h1>Mini Studio</h1>
        <StatusBadge />
      </header>
      <section className="hero">
        <p>Write lyrics, give a melody, pick a voice — and hear it sung.</p>
        <ol className="steps">
          <li>Lyrics</li>
          <li>Melody</li>
          <li>Voice</li>
          <li>Effects</li>
        </ol>
      </section>
    </main>
  );
}
