// esbuild bundles CSS imported from the console's modules into its one stylesheet.
declare module "*.css";
