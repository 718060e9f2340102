// Vite's `?url` imports: the asset's URL on Vigil's own origin.
declare module '*?url' {
  const url: string;
  export default url;
}
