// Injected by build.mjs into the parts whose modules read `import.meta.url`: in a CommonJS part,
// the part's own file.
import { pathToFileURL } from "node:url";

export const import_meta_url = pathToFileURL(__filename).href;
