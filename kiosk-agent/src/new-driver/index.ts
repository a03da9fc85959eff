export {
  type DriverPackageNames,
  driverNames,
  fillTemplate,
  NewDriverError,
  type TemplateFile,
  type Versions,
} from './plan.js';
export { readTemplate, templateFolder } from './template-files.js';
