export { Button } from "./button";
export { ConfirmDialog } from "./confirm-dialog";
export { CopyButton } from "./copy-button";
export { DataTable, type Column } from "./data-table";
export { ErrorBanner } from "./error-banner";
export { Loading } from "./loading";
export { useLoad, type Loaded } from "./use-load";
