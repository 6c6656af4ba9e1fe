import { describeCodemodFixtures } from '../helpers/codemod-fixtures.js';

describeCodemodFixtures('middleware-order');
