/** Using multitag as a library from another Maven project: load a model folder, tag text. */
package org.multitag.example;
