/** The dashboard's root component. */
export function App() {
  return (
    <main>
      <h1>Switchyard</h1>
    </main>
  );
}
